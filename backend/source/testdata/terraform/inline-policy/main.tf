locals {
  account_id = "123456789012"
}

resource "aws_iam_role" "batch" {
  name                 = "batch-worker"
  permissions_boundary = "arn:aws:iam::${local.account_id}:policy/WorkloadBoundary"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Principal = {
          Service = ["ecs-tasks.amazonaws.com"]
        }
        Action = "sts:AssumeRole"
        Condition = {
          ArnLike = {
            "aws:SourceArn" = "arn:aws:ecs:eu-west-1:${local.account_id}:*"
          }
        }
      }
    ]
  })

  inline_policy {
    name = "queue"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        Resource = "arn:aws:sqs:eu-west-1:${local.account_id}:batch-jobs"
      }]
    })
  }

  inline_policy {
    name = "everything"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    })
  }
}
