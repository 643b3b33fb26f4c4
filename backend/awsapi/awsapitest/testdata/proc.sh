# credential_process: prints the documented JSON (Version 1) on stdout.
cat <<'JSON'
{"Version": 1, "AccessKeyId": "AKIAPROCESSEXAMPLE", "SecretAccessKey": "process-secret", "SessionToken": "process-token", "Expiration": "2099-01-01T00:00:00Z"}
JSON
