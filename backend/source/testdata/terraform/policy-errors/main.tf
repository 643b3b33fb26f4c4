resource "aws_iam_policy" "typos" {
  name = "typos"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "allow"
        Action   = "s3:GetObject"
        Resource = ["arn:aws:s3:::b/*"]
      },
      {
        Effect    = "Deny"
        Action    = []
        Resource  = "*"
        Condition = { StringEquals = "aws:username" }
      },
    ]
  })
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
  }
}

resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
