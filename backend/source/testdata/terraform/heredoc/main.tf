variable "bucket_name" {
  type = string
}

resource "aws_iam_policy" "reports" {
  name        = "reports-reader"
  description = "Read the monthly reports"

  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:ListBucket"],
      "Resource": "arn:aws:s3:::${var.bucket_name}"
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject"],
      "Resource": "arn:aws:s3:::${var.bucket_name}/reports/*"
    }
  ]
}
EOF
}

resource "aws_iam_user_policy" "ci" {
  name = "ci-deploy"
  user = "ci"

  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "lambda:UpdateFunctionCode",
          "Resource": "*"
        }
      ]
    }
  POLICY
}

resource "aws_iam_group_policy" "ops" {
  name   = "ops"
  group  = "ops"
  policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ec2:Describe*\",\"Resource\":\"*\"}]}"
}
