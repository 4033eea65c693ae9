"""The local cloud: one loopback process that is, to boto3 and to an HTTP client, a small AWS.

- control plane: moto's threaded server (IAM, Lambda, API Gateway, CloudWatch Logs, EventBridge,
  S3, tagging), reached through ``front`` like any AWS endpoint (``AWS_ENDPOINT_URL``);
- Lambda data plane (``lambdas``): the Invoke API runs the version the qualifier names in the
  containers of ``shoehorn.local`` (awslambdaric against our Runtime API);
- API Gateway data plane (``apigateway``): ``/restapis/{id}/{stage}/_user_request_/...`` goes
  stage -> deployment -> resource -> method -> AWS_PROXY integration -> permission -> Invoke;
- ``codestore`` keeps every uploaded zip by its sha256 as it passes through ``front``;
- ``cloudwatch`` writes START/END/REPORT and the function's output to CloudWatch Logs;
- ``schedules`` fires EventBridge ``rate(...)`` rules (the keep-warm rule) at their rate;
- ``lifecycle`` starts it in the background, finds it, stops it (pid + state file + log).

State lives as long as the process: after ``shoehorn cloud stop`` everything is gone, and the
next ``shoehorn up --local`` rebuilds it (``up`` converges anyway).
"""

# Set while a command targets the local cloud (`--local`, cli/local_target.py): the cloud's URL.
TARGET_ENV = "SHOEHORN_LOCAL_CLOUD"
# The user's ambient profile variables, dropped by every process that talks to the local cloud: it has
# its own dummy credentials and region, so a profile adds nothing but its failures (a profile that is
# not in ~/.aws/config, an expired SSO login) to commands that need no AWS account.
PROFILE_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
