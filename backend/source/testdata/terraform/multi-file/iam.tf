resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = data.aws_iam_policy_document.github_trust.json
}

resource "aws_iam_role_policy" "deployer" {
  role   = aws_iam_role.deployer.id
  policy = local.deploy_policy
}
