"""Actions: the steps of a plan, as frozen data with a human reason (one module per resource, all here).

A plan is a tuple of these; ``shoehorn plan`` prints them and ``apply`` runs them through a
dict keyed by action class. Values that only exist once an earlier action ran (the new API's
id, the version just published) are not stored here: executors read them from the apply
``Context``, and ``describe()`` says "new" for them.
"""

from shoehorn.deploy.actions.base import (
    Action,
    Code,
    FunctionSettings,
    MASK,
    Plan,
    all_action_types,
)
from shoehorn.deploy.actions.role import (
    AttachRolePolicy,
    CreateRole,
    DeleteRole,
    DeleteRolePolicy,
    DetachRolePolicy,
    PutRolePolicy,
    TagRole,
    UpdateTrustPolicy,
)
from shoehorn.deploy.actions.bucket import (
    CreateBucket,
    DeleteBundleObjects,
    DeleteEmptyBucket,
    DeleteOldBundles,
    UploadBundle,
)
from shoehorn.deploy.actions.function import (
    CreateAlias,
    CreateFunction,
    DeleteConcurrency,
    DeleteFunction,
    PublishVersion,
    PutConcurrency,
    TagFunction,
    UpdateAlias,
    UpdateFunctionCode,
    UpdateFunctionConfiguration,
    weights_text,
)
from shoehorn.deploy.actions.logs import (
    CreateLogGroup,
    DeleteLogGroup,
    PutRetention,
    TagLogGroup,
)
from shoehorn.deploy.actions.api import (
    CreateApi,
    CreateDeployment,
    CreateProxyResource,
    DeleteApi,
    DeleteMethod,
    DeleteResource,
    ResetStage,
    UpdateApi,
    WireMethod,
)
from shoehorn.deploy.actions.permission import (
    AddPermission,
    RemovePermission,
)
from shoehorn.deploy.actions.schedule import (
    AddWarmPermission,
    DeleteWarmRule,
    PutWarmRule,
    PutWarmTarget,
    RemoveWarmPermission,
    TagWarmRule,
)

__all__ = [
    "TagRole",
    "TagFunction",
    "MASK",
    "Action",
    "Code",
    "FunctionSettings",
    "Plan",
    "all_action_types",
    "CreateRole",
    "UpdateTrustPolicy",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "DeleteRole",
    "CreateBucket",
    "UploadBundle",
    "DeleteBundleObjects",
    "DeleteOldBundles",
    "DeleteEmptyBucket",
    "CreateFunction",
    "UpdateFunctionCode",
    "UpdateFunctionConfiguration",
    "PublishVersion",
    "CreateAlias",
    "UpdateAlias",
    "weights_text",
    "PutConcurrency",
    "DeleteConcurrency",
    "DeleteFunction",
    "CreateLogGroup",
    "PutRetention",
    "TagLogGroup",
    "DeleteLogGroup",
    "CreateApi",
    "UpdateApi",
    "CreateProxyResource",
    "DeleteResource",
    "WireMethod",
    "DeleteMethod",
    "ResetStage",
    "CreateDeployment",
    "DeleteApi",
    "AddPermission",
    "RemovePermission",
    "PutWarmRule",
    "PutWarmTarget",
    "AddWarmPermission",
    "RemoveWarmPermission",
    "TagWarmRule",
    "DeleteWarmRule",
]
