"""Actions on the invoke permission of the `live` alias."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.deploy.actions.base import Action
from shoehorn.deploy.naming import ALIAS


@dataclass(frozen=True, kw_only=True)
class AddPermission(Action):
    name: str
    qualifier: str = ALIAS
    api_id: str | None = None  # None: the API created earlier in this plan

    def describe(self) -> str:
        api = self.api_id or "(new API)"
        return f"allow API {api} to invoke {self.name}:{self.qualifier}"


@dataclass(frozen=True, kw_only=True)
class RemovePermission(Action):
    name: str
    qualifier: str = ALIAS
    statement_id: str

    def describe(self) -> str:
        return f"remove stale invoke permission {self.statement_id} from {self.name}:{self.qualifier}"
