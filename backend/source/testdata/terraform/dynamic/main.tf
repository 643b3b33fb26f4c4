variable "buckets" {
  type = map(object({ arn = string, write = bool }))
}

data "aws_iam_policy_document" "buckets" {
  dynamic "statement" {
    for_each = var.buckets
    content {
      sid       = "Bucket${statement.key}"
      actions   = statement.value.write ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"]
      resources = ["${statement.value.arn}/*"]
    }
  }

  statement {
    actions   = ["s3:ListAllMyBuckets"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "buckets" {
  name   = "bucket-access"
  policy = data.aws_iam_policy_document.buckets.json
}

resource "aws_iam_policy" "from_var" {
  name   = "from-var"
  policy = var.policy_json
}
