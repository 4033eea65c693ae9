"""shoehorn: one existing WSGI/ASGI app in one AWS Lambda, behind API Gateway.

Only ``shoehorn.runtime`` is imported here, so ``import shoehorn`` stays as cheap
inside a Lambda bundle as it is on a developer's machine.
"""

from shoehorn.runtime.handler import adapt

__all__ = ["adapt", "__version__"]
__version__ = "0.1.0"
