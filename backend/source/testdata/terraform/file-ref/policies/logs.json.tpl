{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:*:*:log-group:${log_group}:*" }
  ]
}
