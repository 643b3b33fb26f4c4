resource "aws_iam_policy" "ec2_ops" {
  name   = "ec2-ops"
  policy = file("${path.module}/policies/ec2-ops.json")
}

resource "aws_iam_policy" "missing" {
  name   = "missing"
  policy = file("policies/missing.json")
}

resource "aws_iam_role_policy" "templated" {
  role = "ops"
  policy = templatefile("${path.module}/policies/logs.json.tpl", {
    log_group = "/ops/app"
  })
}
