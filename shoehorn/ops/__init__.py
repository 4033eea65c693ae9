"""Operations on a deployed app: status, logs, invoke, rollback, stop/start, environment.

Every module here finds what ``shoehorn up`` created the same way ``up`` does (names and
tags, no local state), talks to AWS only through ``shoehorn.deploy.aws.Aws``, and returns
frozen dataclasses; only ``shoehorn.cli`` renders them.
"""
