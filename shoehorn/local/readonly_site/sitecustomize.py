"""The read-only code directory for Python subprocesses of a local container.

A local container's environment names this directory in PYTHONPATH, so every Python process the
function starts (``shoehorn run --local -- python manage.py migrate``, or the app's own
``subprocess``) imports this module at startup and installs the same audit hook as the container
(``shoehorn/local/readonly.py``): a write into the code directory fails as it does on Lambda,
where /var/task is read-only for every process. Programs that are not Python are not covered.
"""

import os
import runpy

if os.environ.get("LAMBDA_TASK_ROOT"):
    runpy.run_path(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "readonly.py"),
                   run_name="__main__")
