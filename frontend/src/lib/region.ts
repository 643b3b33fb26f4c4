/**
 * isRegion reports whether s looks like an AWS region code (us-east-1,
 * eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5). The Go side
 * validates again; this only gives early feedback while typing.
 */
export function isRegion(s: string): boolean {
  return /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/.test(s)
}
