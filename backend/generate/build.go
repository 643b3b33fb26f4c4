package generate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// cond is one condition entry of a statement.
type cond struct {
	op, key string
	values  []string
}

// stmt is a permissions statement under construction.
type stmt struct {
	sid       string
	actions   []string
	resources []string
	cond      []cond
	summary   []string
}

// plan is a built intent: statements, the requests that prove them, the
// trust policy and what was decided.
type plan struct {
	place     place
	stmts     []*stmt
	grants    []planned
	refused   []planned // requests that must stay denied ("but not delete")
	trust     *policy.Document
	decisions []string
	defaults  []string
	notes     []string
	questions []Question
}

// planned is one (action, resource pattern) with the request context that
// satisfies its statement's conditions.
type planned struct {
	action, resource string
	ctx              []cond
	supporting       bool
}

func (p *plan) ask(q Question) { p.questions = append(p.questions, q) }

// add puts action on resources into the statement with the same resources
// and condition, creating one named sid when there is none.
func (p *plan) add(sid, summary, action string, resources []string, cs []cond, supporting bool) {
	key := strings.Join(resources, "\x00") + "\x01" + condKey(cs)
	var st *stmt
	for _, s := range p.stmts {
		if strings.Join(s.resources, "\x00")+"\x01"+condKey(s.cond) == key {
			st = s
			break
		}
	}
	if st == nil {
		st = &stmt{sid: p.uniqueSid(sid), resources: resources, cond: cs}
		p.stmts = append(p.stmts, st)
	}
	if !containsString(st.actions, action) {
		st.actions = append(st.actions, action)
	}
	if summary != "" && !containsString(st.summary, summary) {
		st.summary = append(st.summary, summary)
	}
	for _, r := range resources {
		p.grants = append(p.grants, planned{action: action, resource: r, ctx: cs, supporting: supporting})
	}
}

func (p *plan) uniqueSid(base string) string {
	sid := base
	for n := 2; ; n++ {
		taken := false
		for _, s := range p.stmts {
			taken = taken || s.sid == sid
		}
		if !taken {
			return sid
		}
		sid = fmt.Sprintf("%s%d", base, n)
	}
}

func condKey(cs []cond) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.op + "|" + c.key + "|" + strings.Join(c.values, ",") + ";")
	}
	return b.String()
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sidName turns words into a Sid: letters and digits, each word
// capitalised.
func sidName(words ...string) string {
	var b strings.Builder
	for _, w := range words {
		for _, part := range strings.FieldsFunc(w, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	if b.Len() == 0 {
		return "Statement"
	}
	return b.String()
}

// placement resolves partition, Region and account, asking about invalid
// values and stating defaults.
func (p *plan) placement(in *Intent) {
	part := in.Partition
	if part != "" {
		if msg := partitionProblem(part); msg != "" {
			p.ask(Question{ID: "partition", Text: sentence(msg, "Which partition?"), Options: policy.Partitions, Default: "aws"})
			part = ""
		}
	}
	region := in.Region
	if region != "" {
		if msg := regionProblem(region, part); msg != "" {
			p.ask(Question{ID: "region", Text: sentence(msg, "Which Region should the ARNs name?"), Options: nearestRegions(region, part)})
			region = ""
		} else if part == "" {
			part, _ = partitionOf(region)
		}
	}
	if part == "" {
		part = "aws"
		if in.Partition == "" {
			p.defaults = append(p.defaults, `Partition not given: ARNs use the commercial partition "aws".`)
		}
	}
	if region == "" && in.Region == "" {
		region = RegionPlaceholder
		p.defaults = append(p.defaults, "Region not given: ARNs use the placeholder "+RegionPlaceholder+"; pass --region to pin it.")
	}
	account := in.Account
	if account != "" {
		if msg := accountProblem(account); msg != "" {
			p.ask(Question{ID: "account", Text: sentence(msg, "Which account owns the resources?")})
			account = ""
		}
	}
	if account == "" && in.Account == "" {
		account = AccountPlaceholder
		p.defaults = append(p.defaults, "Account not given: ARNs use the placeholder "+AccountPlaceholder+"; pass --account to pin it.")
	}
	p.place = place{partition: part, region: region, account: account}
}

// resources builds the statements of every resource of the intent.
func (e *Engine) resources(p *plan, in *Intent, answered map[string]string) {
	passTo := passTargets(in)
	for i := range in.Resources {
		r := in.Resources[i]
		id := fmt.Sprintf("resources.%d", i)
		k, ok := kindFor(r.Service, r.Type)
		if r.ARN != "" && r.Type == "" {
			k, ok = e.kindForARN(r.Service, r.ARN)
		}
		if !ok {
			p.notes = append(p.notes, fmt.Sprintf("%s resources (%s) are not in the catalogue; left out", r.Service, r.Type))
			continue
		}
		if !e.resourceReady(p, k, &r, id, answered) {
			continue
		}
		actions, unknown := e.resourceActions(k, r)
		for _, v := range unknown {
			p.notes = append(p.notes, fmt.Sprintf("%q does not apply to a %s; ignored", v, k.noun))
		}
		label := r.Name
		if r.ARN != "" {
			label = r.ARN
		}
		sid := sidName(k.noun, arnTail(label))
		before := len(p.grants)
		for _, a := range actions {
			e.addAction(p, k, r, sid, a, passTo, answered, id)
		}
		if scoped := scopedARNs(p.grants[before:]); len(scoped) > 0 {
			p.decisions = append(p.decisions, fmt.Sprintf("Access to the %s%s is scoped to %s, not \"*\".", k.noun, quotedName(r), strings.Join(scoped, " and ")))
		}
		e.refuse(p, k, r)
		if r.KMSKey != "" {
			e.kmsForData(p, k, r)
		}
	}
}

// resourceReady checks the resource's name or ARN and verbs, asking when
// something essential is missing. It reports whether the resource can be
// built.
func (e *Engine) resourceReady(p *plan, k *kind, r *Resource, id string, answered map[string]string) bool {
	ready := true
	switch {
	case k.unnamed && k.nameKey != "" && r.Name == "" && hasAnyVerb(r.Verbs, VerbWrite, VerbPublish):
		p.ask(Question{ID: id + ".name", Text: fmt.Sprintf("Which %s name should the %s be limited to (%s)?", strings.TrimPrefix(k.nameKey, k.service+":"), k.noun, k.nameKey)})
		ready = false
	case k.unnamed:
	case strings.ContainsAny(r.ARN, "*?$ ") || strings.ContainsAny(r.Prefix, "*?$ "):
		p.ask(Question{ID: id + ".name", Text: fmt.Sprintf("The %s must be named exactly, without wildcards or variables. Which %s?", k.noun, k.noun)})
		ready = false
	case r.ARN != "":
		typ, msg := arnProblem(e.db, k, r.ARN)
		if msg != "" {
			p.ask(Question{ID: id + ".name", Text: sentence(msg, "Which "+k.noun+"? Give its name or ARN.")})
			ready = false
		} else if typ != k.primaryType() && k.service != "s3" {
			p.notes = append(p.notes, fmt.Sprintf("%s is a %s ARN; the policy grants on it as given", r.ARN, typ))
		}
	case r.Name == "" && e.wildcardOnly(k, r.Verbs):
		// Listing and other account-wide actions name no resource.
	case r.Name == "":
		p.ask(Question{ID: id + ".name", Text: fmt.Sprintf("Which %s%s? Give its name or ARN.", k.noun, verbPhrase(r.Verbs))})
		ready = false
	default:
		if msg := k.nameProblem(r.Name); msg != "" {
			p.ask(Question{ID: id + ".name", Text: sentence(msg, "Which "+k.noun+"?")})
			ready = false
		}
	}
	if len(r.Verbs) == 0 {
		p.ask(Question{ID: id + ".verbs", Text: fmt.Sprintf("What should be allowed on the %s%s?", k.noun, quotedName(*r)),
			Options: verbOptions(k), Default: string(VerbRead)})
		ready = false
	}
	if q, ok := dynamoWriteQuestion(k, *r, id); ok {
		if _, answeredQ := answered[q.ID]; !answeredQ {
			p.ask(q)
			ready = false
		}
	}
	return ready
}

// dynamoWriteQuestion asks what "write" to a DynamoDB table covers when the
// description leaves updating or deleting existing items open.
func dynamoWriteQuestion(k *kind, r Resource, id string) (Question, bool) {
	if k.service != "dynamodb" || k.primaryType() != "table" || !containsVerb(r.Verbs, VerbWrite) {
		return Question{}, false
	}
	undecided := func(v Verb) bool { return !containsVerb(r.Verbs, v) && !containsVerb(r.Except, v) }
	base := "put"
	for _, v := range []Verb{VerbUpdate, VerbDelete} {
		if containsVerb(r.Verbs, v) {
			base += "," + string(v)
		}
	}
	var open []string
	for _, v := range []Verb{VerbUpdate, VerbDelete} {
		if undecided(v) {
			open = append(open, string(v))
		}
	}
	if len(open) == 0 {
		return Question{}, false
	}
	opts := []string{base}
	for _, v := range open {
		opts = append(opts, base+","+v)
	}
	if len(open) == 2 {
		opts = append(opts, base+","+open[0]+","+open[1])
	}
	return Question{ID: id + ".write", Text: fmt.Sprintf("\"Write\" to the DynamoDB table%s: put new items only, or also %s existing ones?", quotedName(r), strings.Join(open, " and ")),
		Options: opts, Default: base}, true
}

// kindForARN returns the catalogue kind whose resource types match arn.
func (e *Engine) kindForARN(service, arn string) (*kind, bool) {
	var first *kind
	for _, k := range kinds {
		if k.service != service {
			continue
		}
		if first == nil {
			first = k
		}
		if _, msg := arnProblem(e.db, k, arn); msg == "" {
			return k, true
		}
	}
	return first, first != nil
}

// wildcardOnly reports whether every action the verbs mean for the kind
// supports only Resource "*", so no resource name is needed.
func (e *Engine) wildcardOnly(k *kind, verbs []Verb) bool {
	if len(verbs) == 0 {
		return false
	}
	for _, v := range verbs {
		list, ok := e.verbActions(k, v)
		if !ok || len(list) == 0 {
			return false
		}
		for _, name := range list {
			if a, ok := e.db.Action(name); !ok || !a.WildcardOnly() {
				return false
			}
		}
	}
	return true
}

// scopedARNs lists the distinct ARNs of grants, without "*".
func scopedARNs(gs []planned) []string {
	var out []string
	for _, g := range gs {
		if g.resource != "*" && !containsString(out, g.resource) {
			out = append(out, g.resource)
		}
	}
	return out
}

// sentence joins a problem and a question into one text.
func sentence(problem, question string) string {
	if strings.HasSuffix(problem, "?") || strings.HasSuffix(problem, ".") {
		return problem + " " + question
	}
	return problem + ". " + question
}

func containsVerb(vs []Verb, v Verb) bool {
	for _, have := range vs {
		if have == v {
			return true
		}
	}
	return false
}

func verbPhrase(vs []Verb) string {
	if len(vs) == 0 {
		return ""
	}
	return " (to " + joinVerbs(vs) + ")"
}

func quotedName(r Resource) string {
	switch {
	case r.Name != "":
		return " " + fmt.Sprintf("%q", r.Name)
	case r.ARN != "":
		return " " + r.ARN
	}
	return ""
}

func verbOptions(k *kind) []string {
	var out []string
	for v := range k.verbs {
		out = append(out, string(v))
	}
	sort.Strings(out)
	return out
}

func arnTail(s string) string {
	if i := strings.LastIndexAny(s, ":/"); i >= 0 && strings.HasPrefix(s, "arn:") {
		return s[i+1:]
	}
	return s
}

// addAction adds one action of a resource: on "*" when the action has no
// resource types, otherwise on the ARN of every kind type it can be scoped
// to.
func (e *Engine) addAction(p *plan, k *kind, r Resource, sid, name string, passTo []string, answered map[string]string, id string) {
	a, ok := e.db.Action(name)
	if !ok {
		p.notes = append(p.notes, fmt.Sprintf("%s is not in the IAM database; left out", name))
		return
	}
	full := a.FullName()
	summary := fmt.Sprintf("%s access to the %s%s", joinVerbs(r.Verbs), k.noun, quotedName(r))
	if k.unnamed && k.nameKey != "" && r.Name != "" && e.db.ConditionKeyValid(a, k.nameKey) {
		p.add(sid, summary+" (limited by "+k.nameKey+")", full, []string{"*"}, []cond{{op: "StringEquals", key: k.nameKey, values: []string{r.Name}}}, false)
		return
	}
	if a.WildcardOnly() || k.unnamed {
		p.add("NoResourceScope", "actions that support no resource-level permissions", full, []string{"*"}, nil, false)
		return
	}
	var cs []cond
	if full == "iam:PassRole" {
		cs = e.passRoleCondition(p, passTo, answered, id)
	}
	if r.Service == "s3" && r.Prefix != "" && full == "s3:ListBucket" {
		cs = []cond{{op: "StringLike", key: "s3:prefix", values: []string{r.Prefix + "*"}}}
	}
	if r.Service == "kms" && strings.HasPrefix(r.Name, "alias/") {
		cs = []cond{{op: "ForAnyValue:StringEquals", key: "kms:ResourceAliases", values: []string{r.Name}}}
	}
	arns := e.arnsFor(p, a, k, r)
	if len(arns) == 0 {
		p.notes = append(p.notes, fmt.Sprintf("%s cannot be scoped to a %s; left out", full, k.noun))
		return
	}
	if t := e.scopedType(a, k); t != "" && t != k.primaryType() {
		sid += sidName(t)
	}
	p.add(sid, summary, full, arns, cs, false)
}

// scopedType is the first of the kind's resource types the action is
// scoped to; it names statements that differ only by type (a bucket and
// its objects).
func (e *Engine) scopedType(a *iamdb.Action, k *kind) string {
	for _, t := range k.types {
		for _, ar := range a.Resources {
			if strings.EqualFold(ar.Type.Name, t) {
				return t
			}
		}
	}
	return ""
}

// arnsFor returns the ARNs an action gets for a resource.
func (e *Engine) arnsFor(p *plan, a *iamdb.Action, k *kind, r Resource) []string {
	var out []string
	for _, ar := range a.Resources {
		if !k.hasType(ar.Type.Name) {
			continue
		}
		var arn string
		switch {
		case r.Service == "kms" && strings.HasPrefix(r.Name, "alias/"):
			arn = buildARN(ar.Type, p.place, Resource{Name: "*"})
		case r.ARN != "" && ar.Type.MatchARN(r.ARN):
			arn = r.ARN
		case r.ARN != "":
			continue
		default:
			arn = buildARN(ar.Type, p.place, r)
			if path, ok := parameterPath(ar.Type, arn); ok && !containsString(out, path) {
				out = append(out, path)
			}
		}
		if !containsString(out, arn) {
			out = append(out, arn)
		}
	}
	if len(out) == 0 && r.ARN != "" {
		out = append(out, r.ARN)
	}
	return out
}

// refuse records the actions of refused verbs so the evaluator proves they
// stay denied.
func (e *Engine) refuse(p *plan, k *kind, r Resource) {
	if len(r.Except) == 0 || r.ARN != "" {
		return
	}
	granted := map[string]bool{}
	for _, g := range p.grants {
		granted[g.action] = true
	}
	for _, v := range r.Except {
		list, _ := e.verbActions(k, v)
		for _, name := range list {
			a, ok := e.db.Action(name)
			if !ok || a.WildcardOnly() || granted[a.FullName()] {
				continue
			}
			for _, arn := range e.arnsFor(p, a, k, r) {
				p.refused = append(p.refused, planned{action: a.FullName(), resource: arn})
			}
		}
	}
	p.decisions = append(p.decisions, fmt.Sprintf("Refused on the %s%s as asked: %s.", k.noun, quotedName(r), joinVerbs(r.Except)))
}

// kmsForData adds the KMS permissions that SSE-KMS encrypted data needs,
// limited to use through the resource's service.
func (e *Engine) kmsForData(p *plan, k *kind, r Resource) {
	var actions []string
	if hasAnyVerb(r.Verbs, VerbRead, VerbConsume, VerbQuery, VerbScan) {
		actions = append(actions, "kms:Decrypt")
	}
	if hasAnyVerb(r.Verbs, VerbWrite, VerbUpdate, VerbPublish) {
		// Multipart uploads and read-after-write need Decrypt as well.
		actions = append(actions, "kms:GenerateDataKey", "kms:Decrypt")
	}
	key := r.KMSKey
	var cs []cond
	var arn string
	kmsKind, _ := kindFor("kms", "key")
	switch {
	case strings.HasPrefix(key, "arn:"):
		arn = key
	case strings.HasPrefix(key, "alias/"):
		arn = buildARN(e.keyType(), p.place, Resource{Name: "*"})
		cs = append(cs, cond{op: "ForAnyValue:StringEquals", key: "kms:ResourceAliases", values: []string{key}})
	default:
		if msg := kmsKind.nameProblem(key); msg != "" {
			p.notes = append(p.notes, msg+"; KMS permissions for the encrypted data left out")
			return
		}
		arn = buildARN(e.keyType(), p.place, Resource{Name: key})
	}
	cs = append(cs, cond{op: "StringEquals", key: "kms:ViaService", values: []string{k.service + "." + p.place.region + ".amazonaws.com"}})
	for _, a := range actions {
		p.add(sidName("KMS for", k.noun, arnTail(r.Name)), "the KMS key that encrypts the "+k.noun+quotedName(r)+", only through "+k.service, a, []string{arn}, cs, true)
	}
	p.decisions = append(p.decisions, fmt.Sprintf("KMS use of key %s is limited with kms:ViaService to %s, so the key cannot be used directly.", key, k.service))
}

func (e *Engine) keyType() *iamdb.ResourceType {
	svc, _ := e.db.Service("kms")
	rt, _ := svc.ResourceType("key")
	return rt
}

func hasAnyVerb(vs []Verb, want ...Verb) bool {
	for _, w := range want {
		if containsVerb(vs, w) {
			return true
		}
	}
	return false
}

// passTargets lists the service principals a role in this intent may be
// passed to: those of the other resources' kinds.
func passTargets(in *Intent) []string {
	var out []string
	for _, r := range in.Resources {
		if k, ok := kindFor(r.Service, r.Type); ok && k.passTo != "" && !containsString(out, k.passTo) {
			out = append(out, k.passTo)
		}
	}
	sort.Strings(out)
	return out
}

// passRoleCondition limits iam:PassRole to the services the role is passed
// to, asking when the description names none.
func (e *Engine) passRoleCondition(p *plan, passTo []string, answered map[string]string, id string) []cond {
	if v := answered[id+".passTo"]; v != "" {
		passTo = splitList(v)
	}
	if len(passTo) == 0 {
		p.ask(Question{ID: id + ".passTo", Text: "Which AWS service will the role be passed to (iam:PassedToService)?",
			Options: []string{"lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com", "states.amazonaws.com", "glue.amazonaws.com", "cloudformation.amazonaws.com"}})
		return nil
	}
	p.decisions = append(p.decisions, "iam:PassRole is limited with iam:PassedToService to "+strings.Join(passTo, ", ")+".")
	return []cond{{op: "StringEquals", key: "iam:PassedToService", values: passTo}}
}

// lambdaLogs adds the log group a Lambda function writes to.
func (p *plan) lambdaLogs(in *Intent) {
	if in.Principal.Kind != PrincipalLambda {
		return
	}
	name := in.Principal.Name
	if name == "" {
		name = "*"
		p.defaults = append(p.defaults, "Lambda function name not given: its log group permission covers /aws/lambda/*; name the function to narrow it.")
	}
	group, streams := logGroupARNs(p.place, "/aws/lambda/"+name)
	const why = "writing to the function's own CloudWatch Logs log group, where Lambda sends its output"
	p.add("LambdaOwnLogGroup", why, "logs:CreateLogGroup", []string{group}, nil, true)
	p.add("LambdaOwnLogStreams", why, "logs:CreateLogStream", []string{streams}, nil, true)
	p.add("LambdaOwnLogStreams", why, "logs:PutLogEvents", []string{streams}, nil, true)
	p.decisions = append(p.decisions, "Logging is limited to the function's own log group /aws/lambda/"+name+", not every log group.")
}

// document renders the statements as a policy document.
func (p *plan) document() *policy.Document {
	doc := &policy.Document{Version: policy.Value{Text: "2012-10-17"}, StatementList: true}
	for i, s := range p.stmts {
		actions := append([]string(nil), s.actions...)
		sort.Strings(actions)
		st := &policy.Statement{Index: i, Sid: policy.Value{Text: s.sid}, Effect: policy.EffectAllow,
			Action: list(actions...), Resource: list(s.resources...), Condition: condition(s.cond)}
		doc.Statements = append(doc.Statements, st)
	}
	return doc
}

func list(vs ...string) *policy.List {
	l := &policy.List{}
	for _, v := range vs {
		l.Values = append(l.Values, policy.Value{Text: v})
	}
	return l
}

func condition(cs []cond) policy.Condition {
	var out policy.Condition
	for _, c := range cs {
		var block *policy.ConditionBlock
		for _, b := range out {
			if b.Operator.Text == c.op {
				block = b
			}
		}
		if block == nil {
			block = &policy.ConditionBlock{Operator: policy.Value{Text: c.op}}
			out = append(out, block)
		}
		block.Entries = append(block.Entries, &policy.ConditionEntry{Key: policy.Value{Text: c.key}, Values: list(c.values...)})
	}
	return out
}
