package generate

import (
	"regexp"
	"strings"
	"sync"
)

// principalPhrases name principal kinds. Phrases shared with a resource
// kind (kind.principal) are also principals when they come first.
var principalPhrases = map[string]PrincipalKind{
	"lambda function": PrincipalLambda, "lambda": PrincipalLambda, "serverless function": PrincipalLambda,
	"lambda functions": PrincipalLambda,
	"ec2 instance":     PrincipalEC2, "ec2 instances": PrincipalEC2, "instance profile": PrincipalEC2, "ec2": PrincipalEC2,
	"virtual machine": PrincipalEC2, "ec2 instance profile": PrincipalEC2,
	"ecs task": PrincipalECSTask, "ecs tasks": PrincipalECSTask, "ecs service": PrincipalECSTask, "fargate task": PrincipalECSTask,
	"fargate tasks": PrincipalECSTask, "fargate": PrincipalECSTask, "ecs": PrincipalECSTask, "container": PrincipalECSTask,
	"containers": PrincipalECSTask, "ecs container": PrincipalECSTask,
	"eks pod identity": PrincipalEKSPodIdentity, "pod identity": PrincipalEKSPodIdentity,
	"irsa": PrincipalEKSIRSA, "eks pod": PrincipalEKSIRSA, "eks pods": PrincipalEKSIRSA, "kubernetes pod": PrincipalEKSIRSA,
	"kubernetes pods": PrincipalEKSIRSA, "kubernetes service account": PrincipalEKSIRSA, "eks service account": PrincipalEKSIRSA,
	"eks": PrincipalEKSIRSA, "kubernetes": PrincipalEKSIRSA,
	"glue job": PrincipalGlue, "glue etl job": PrincipalGlue, "glue crawler": PrincipalGlue, "glue": PrincipalGlue,
	"step functions state machine": PrincipalStepFunctions, "step functions": PrincipalStepFunctions,
	"step function": PrincipalStepFunctions, "state machine": PrincipalStepFunctions,
	"codebuild project": PrincipalCodeBuild, "codebuild": PrincipalCodeBuild,
	"api gateway": PrincipalAPIGateway, "apigateway": PrincipalAPIGateway,
	"eventbridge rule": PrincipalEventBridge, "eventbridge": PrincipalEventBridge, "cloudwatch events rule": PrincipalEventBridge,
	"eventbridge scheduler":   PrincipalEventBridge,
	"github actions workflow": PrincipalGitHubActions, "github actions": PrincipalGitHubActions,
	"github workflow": PrincipalGitHubActions, "github": PrincipalGitHubActions, "gha": PrincipalGitHubActions,
	"iam user": PrincipalUser, "user": PrincipalUser, "developer": PrincipalUser, "engineer": PrincipalUser,
	"analyst": PrincipalUser, "human": PrincipalUser, "person": PrincipalUser, "data scientist": PrincipalUser,
	"operator": PrincipalUser, "admin user": PrincipalUser, "on-call engineer": PrincipalUser,
	"iam group": PrincipalGroup, "group": PrincipalGroup, "team": PrincipalGroup, "developers": PrincipalGroup,
	"engineers": PrincipalGroup, "analysts": PrincipalGroup, "data scientists": PrincipalGroup, "users": PrincipalGroup,
	"another account": PrincipalCrossAccount, "other account": PrincipalCrossAccount, "cross-account": PrincipalCrossAccount,
	"cross account": PrincipalCrossAccount, "third party": PrincipalCrossAccount, "third-party": PrincipalCrossAccount,
	"vendor": PrincipalCrossAccount, "external account": PrincipalCrossAccount, "partner account": PrincipalCrossAccount,
	"different account": PrincipalCrossAccount,
}

// verbWords maps words to the verbs they ask for.
var verbWords = map[string][]Verb{
	"read": {VerbRead}, "reads": {VerbRead}, "reading": {VerbRead}, "get": {VerbRead}, "gets": {VerbRead},
	"fetch": {VerbRead}, "fetches": {VerbRead}, "download": {VerbRead}, "downloads": {VerbRead}, "retrieve": {VerbRead},
	"retrieves": {VerbRead}, "view": {VerbRead}, "views": {VerbRead}, "read-only": {VerbRead}, "readonly": {VerbRead},
	"pull": {VerbRead}, "pulls": {VerbRead}, "load": {VerbRead}, "loads": {VerbRead}, "see": {VerbRead}, "inspect": {VerbRead},
	"describe": {VerbRead}, "look": {VerbRead}, "access": nil, "use": nil, "uses": nil,
	"list": {VerbList}, "lists": {VerbList}, "listing": {VerbList}, "enumerate": {VerbList}, "browse": {VerbList},
	"write": {VerbWrite}, "writes": {VerbWrite}, "writing": {VerbWrite}, "put": {VerbWrite}, "puts": {VerbWrite},
	"upload": {VerbWrite}, "uploads": {VerbWrite}, "store": {VerbWrite}, "stores": {VerbWrite}, "save": {VerbWrite},
	"saves": {VerbWrite}, "push": {VerbWrite}, "pushes": {VerbWrite}, "insert": {VerbWrite}, "inserts": {VerbWrite},
	"create": {VerbWrite}, "creates": {VerbWrite}, "add": {VerbWrite}, "adds": {VerbWrite}, "ingest": {VerbWrite},
	"ingests": {VerbWrite}, "record": {VerbWrite}, "records": nil, "stream": nil, "streams": nil,
	"update": {VerbUpdate}, "updates": {VerbUpdate}, "modify": {VerbUpdate}, "modifies": {VerbUpdate}, "edit": {VerbUpdate},
	"edits": {VerbUpdate}, "change": {VerbUpdate}, "changes": {VerbUpdate}, "deploy": {VerbUpdate}, "deploys": {VerbUpdate},
	"rotate": {VerbUpdate}, "rotates": {VerbUpdate}, "invalidate": {VerbUpdate}, "invalidates": {VerbUpdate},
	"delete": {VerbDelete}, "deletes": {VerbDelete}, "deleting": {VerbDelete}, "remove": {VerbDelete}, "removes": {VerbDelete},
	"purge": {VerbDelete}, "purges": {VerbDelete},
	"publish": {VerbPublish}, "publishes": {VerbPublish}, "send": {VerbPublish}, "sends": {VerbPublish}, "emit": {VerbPublish},
	"emits": {VerbPublish}, "notify": {VerbPublish}, "notifies": {VerbPublish}, "post": {VerbPublish}, "posts": {VerbPublish},
	"produce": {VerbPublish}, "produces": {VerbPublish},
	"consume": {VerbConsume}, "consumes": {VerbConsume}, "receive": {VerbConsume}, "receives": {VerbConsume},
	"poll": {VerbConsume}, "polls": {VerbConsume}, "process": {VerbConsume}, "processes": {VerbConsume},
	"subscribe": {VerbConsume}, "subscribes": {VerbConsume}, "dequeue": {VerbConsume},
	"invoke": {VerbInvoke}, "invokes": {VerbInvoke}, "call": {VerbInvoke}, "calls": {VerbInvoke}, "trigger": {VerbInvoke},
	"triggers": {VerbInvoke}, "start": {VerbInvoke}, "starts": {VerbInvoke}, "run": {VerbInvoke}, "runs": {VerbInvoke},
	"execute": {VerbInvoke}, "executes": {VerbInvoke},
	"stop": {VerbUpdate}, "stops": {VerbUpdate}, "reboot": {VerbUpdate}, "reboots": {VerbUpdate},
	"restart": {VerbUpdate}, "restarts": {VerbUpdate}, "mount": {VerbRead}, "mounts": {VerbRead},
	"encrypt": {VerbEncrypt}, "encrypts": {VerbEncrypt}, "decrypt": {VerbDecrypt}, "decrypts": {VerbDecrypt},
	"query": {VerbQuery}, "queries": {VerbQuery}, "querying": {VerbQuery}, "scan": {VerbScan}, "scans": {VerbScan},
	"manage": {VerbManage}, "manages": {VerbManage}, "administer": {VerbAdmin}, "administers": {VerbAdmin},
	"admin": {VerbAdmin}, "full-access": {VerbAdmin},
	"pass": {VerbPass}, "passes": {VerbPass}, "assume": {VerbAssume}, "assumes": {VerbAssume},
	"read/write": {VerbRead, VerbWrite}, "read-write": {VerbRead, VerbWrite}, "rw": {VerbRead, VerbWrite},
	"crud": {VerbRead, VerbWrite, VerbUpdate, VerbDelete},
}

// multiVerbs are verb phrases of more than one word.
var multiVerbs = map[string][]Verb{
	"full access": {VerbAdmin}, "full control": {VerbAdmin}, "look up": {VerbRead}, "read only": {VerbRead},
	"send messages": {VerbPublish}, "send email": {VerbPublish}, "send emails": {VerbPublish},
	"sends email": {VerbPublish}, "sends emails": {VerbPublish},
}

var negations = map[string]bool{
	"not": true, "no": true, "never": true, "without": true, "except": true, "excluding": true, "cannot": true,
	"can't": true, "shouldn't": true, "mustn't": true, "nor": true, "don't": true, "doesn't": true,
}

var stopwords = map[string]bool{
	"and": true, "or": true, "to": true, "from": true, "in": true, "into": true, "with": true, "for": true, "but": true,
	"on": true, "of": true, "the": true, "a": true, "an": true, "that": true, "which": true, "using": true, "via": true,
	"so": true, "where": true, "when": true, "then": true, "as": true, "by": true, "it": true, "its": true, "is": true,
	"are": true, "be": true, "also": true, "only": true, "all": true, "any": true, "at": true, "named": true,
	"called": true, "name": true, "needs": true, "need": true, "should": true, "can": true, "must": true, "may": true,
	"messages": true, "items": true, "objects": true, "files": true, "data": true, "their": true, "our": true,
	"my": true, "this": true, "these": true, "those": true, "them": true, "account": true, "region": true,
	"encrypted": true, "under": true, "prefix": true, "path": true, "both": true, "either": true,
	"role": true, "roles": true, "policy": true, "permissions": true, "permission": true, "who": true,
	"whose": true, "pods": true, "records": true, "results": true,
}

// nameIntro are words between a noun and its name: "bucket named x",
// "namespace 'Orders'".
var nameIntro = map[string]bool{"named": true, "called": true, "name": true, "id": true, "namespace": true}

var determiners = map[string]bool{"the": true, "a": true, "an": true, "my": true, "our": true, "their": true, "its": true, "your": true}

var (
	accountTokenRE = regexp.MustCompile(`^\d{4}-?\d{4}-?\d{4}$`)
	digitsRE       = regexp.MustCompile(`^\d{5,14}$`)
	regionLikeRE   = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$`)
	repoRE         = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
)

// mention is a recognised phrase in the token list.
type mention struct {
	start, end int // token range
	principal  PrincipalKind
	kind       *kind
	verbs      []Verb
	negation   bool
	arn        string // for ARN and s3:// tokens
	prefix     string // s3:// key prefix
}

// maxPhrase is the longest phrase in words.
const maxPhrase = 4

// Extract reads an intent from an English description. It never fails:
// what it cannot read becomes a question when the intent is built. Notes
// report words it understood but could not use.
func Extract(description string) (Intent, []string) {
	toks := tokenize(description)
	ms := mentions(toks)
	var in Intent
	var notes []string
	pi := choosePrincipal(toks, ms)
	if pi >= 0 {
		m := ms[pi]
		in.Principal.Kind = m.principal
		if name, _ := nameAfter(toks, m.end); name != "" && m.principal != PrincipalGitHubActions && identifierLike(toks, m.end) {
			in.Principal.Name = name
		}
	}
	in.Resources, notes = resources(toks, ms, pi)
	placeContext(toks, &in)
	principalDetails(toks, &in)
	return in, notes
}

// mentions finds the longest phrase at each position.
func mentions(toks []token) []mention {
	var out []mention
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.quoted {
			if strings.HasPrefix(t.lower, "arn:") || strings.HasPrefix(t.lower, "s3://") {
				out = append(out, uriMention(t.text, i))
			}
			i++
			continue
		}
		if strings.HasPrefix(t.lower, "arn:") || strings.HasPrefix(t.lower, "s3://") {
			out = append(out, uriMention(t.text, i))
			i++
			continue
		}
		m, ok := longestAt(toks, i)
		if !ok && roleAfterVerb(toks, i) {
			m, ok = mention{start: i, end: i + 1, kind: iamRoleKind}, true
		}
		if !ok {
			i++
			continue
		}
		out = append(out, m)
		i = m.end
	}
	return out
}

// iamRoleKind is the catalogue kind of an IAM role, named only after "pass"
// or "assume" ("passes role 'x'", "assumes the role 'y'"): elsewhere "role"
// is the thing being described.
var iamRoleKind, _ = kindFor("iam", "role")

func roleAfterVerb(toks []token, i int) bool {
	if toks[i].lower != "role" && toks[i].lower != "roles" {
		return false
	}
	j := i - 1
	if j >= 0 && determiners[toks[j].lower] {
		j--
	}
	if j < 0 {
		return false
	}
	v := verbWords[toks[j].lower]
	return len(v) == 1 && (v[0] == VerbPass || v[0] == VerbAssume)
}

func uriMention(text string, i int) mention {
	m := mention{start: i, end: i + 1, arn: text}
	if strings.HasPrefix(strings.ToLower(text), "s3://") {
		rest := text[len("s3://"):]
		bucket, prefix, _ := strings.Cut(rest, "/")
		m.arn = "arn:aws:s3:::" + bucket
		m.prefix = prefix
	}
	return m
}

func longestAt(toks []token, i int) (mention, bool) {
	for n := maxPhrase; n >= 1; n-- {
		if i+n > len(toks) {
			continue
		}
		words := make([]string, 0, n)
		quoted := false
		for _, t := range toks[i : i+n] {
			quoted = quoted || t.quoted
			words = append(words, t.lower)
		}
		if quoted {
			continue
		}
		phrase := strings.Join(words, " ")
		m := mention{start: i, end: i + n}
		found := false
		if k := kindByWord(phrase); k != nil {
			m.kind, found = k, true
			if k.principal != "" && principalPhrases[phrase] == k.principal {
				m.principal = k.principal
			}
		}
		if p, ok := principalPhrases[phrase]; ok && m.kind == nil {
			m.principal, found = p, true
		}
		if v, ok := multiVerbs[phrase]; ok && n > 1 {
			m.verbs, found = v, true
		}
		if n == 1 && !found {
			if v, ok := verbWords[phrase]; ok && v != nil {
				m.verbs, found = v, true
			}
			if negations[phrase] {
				m.negation, found = true, true
			}
		}
		if found {
			return m, true
		}
	}
	return mention{}, false
}

// wordIndex maps each word of the catalogue to its kind, built on first use.
var wordIndex = sync.OnceValue(func() map[string]*kind {
	idx := map[string]*kind{}
	for _, k := range kinds {
		for _, w := range k.words {
			if _, dup := idx[w]; !dup {
				idx[w] = k
			}
		}
	}
	return idx
})

func kindByWord(phrase string) *kind { return wordIndex()[phrase] }

// choosePrincipal picks the mention naming the principal: the first
// principal phrase before any verb, or one introduced by "for", "by",
// "as" or "from"; returns -1 when there is none.
func choosePrincipal(toks []token, ms []mention) int {
	firstVerb := len(toks)
	for _, m := range ms {
		if len(m.verbs) > 0 {
			firstVerb = m.start
			break
		}
	}
	fallback := -1
	for i, m := range ms {
		if m.principal == "" {
			continue
		}
		if m.start < firstVerb {
			return i
		}
		prev := ""
		if m.start > 0 {
			prev = toks[m.start-1].lower
			if determiners[prev] && m.start > 1 {
				prev = toks[m.start-2].lower
			}
		}
		switch prev {
		case "for", "by", "as", "from":
			return i
		}
		if m.kind == nil && fallback < 0 {
			fallback = i
		}
	}
	return fallback
}

// nameAfter returns the name that follows a noun ending at token i: a
// quoted token, "named X", "called X", or an identifier-like word. It also
// returns the index after the name.
func nameAfter(toks []token, i int) (string, int) {
	if i > 0 && toks[i-1].stop {
		return "", i
	}
	j := i
	for j < len(toks) && nameIntro[toks[j].lower] && !toks[j].quoted {
		j++
	}
	if j >= len(toks) {
		return "", i
	}
	t := toks[j]
	if t.quoted {
		return t.text, j + 1
	}
	if j > i || looksLikeName(toks, j) {
		if stopwords[t.lower] || kindByWord(t.lower) != nil || principalPhrases[t.lower] != "" || negations[t.lower] {
			return "", i
		}
		if _, isVerb := verbWords[t.lower]; isVerb && !(t.stop || j+1 == len(toks)) {
			return "", i
		}
		if accountTokenRE.MatchString(t.text) || regionLikeRE.MatchString(t.lower) {
			return "", i
		}
		return t.text, j + 1
	}
	return "", i
}

// identifierLike reports whether the name after a principal noun at i is
// unmistakably a name: quoted, introduced ("named x"), or shaped like an
// identifier. Plain words after a principal are usually its verb.
func identifierLike(toks []token, i int) bool {
	if i >= len(toks) {
		return false
	}
	t := toks[i]
	return t.quoted || nameIntro[t.lower] || strings.ContainsAny(t.text, "-_.0123456789")
}

// looksLikeName reports whether the unquoted token at j reads as a name
// rather than a word: it is not a keyword and is followed by a break or a
// stopword.
func looksLikeName(toks []token, j int) bool {
	t := toks[j]
	if stopwords[t.lower] || negations[t.lower] {
		return false
	}
	if strings.ContainsAny(t.text, "-_./0123456789") {
		return true
	}
	return t.stop || j+1 == len(toks) || stopwords[toks[j+1].lower] || negations[toks[j+1].lower]
}

// nameBefore returns a name written before a noun starting at token i:
// "the 'users' table", "the orders table".
func nameBefore(toks []token, i int, used map[int]bool) string {
	if i == 0 || used[i-1] {
		return ""
	}
	t := toks[i-1]
	if t.quoted {
		if strings.HasPrefix(t.lower, "arn:") || strings.HasPrefix(t.lower, "s3://") {
			return ""
		}
		return t.text
	}
	if t.stop || i < 2 || !determiners[toks[i-2].lower] {
		return ""
	}
	if stopwords[t.lower] || kindByWord(t.lower) != nil || principalPhrases[t.lower] != "" || negations[t.lower] {
		return ""
	}
	if _, isVerb := verbWords[t.lower]; isVerb {
		return ""
	}
	return t.text
}

// resources walks the mentions after the principal and attaches verbs and
// negations to the resources they govern.
func resources(toks []token, ms []mention, principal int) ([]Resource, []string) {
	var out []Resource
	var notes []string
	var pending, pendingExcept []Verb
	last := -1          // index in out of the last resource
	afterVerbs := false // the last resource took verbs written after it
	negating := false   // inside "not X or Y"
	used := map[int]bool{}
	lastEnd := 0
	nounStart := -1 // start of a skipped bare noun before the next resource
	for mi, m := range ms {
		if used[m.start] {
			continue // a name already taken by the previous resource
		}
		if mi == principal {
			lastEnd = m.end
			if n, after := nameAfter(toks, m.end); n != "" {
				for k := m.end; k < after; k++ {
					used[k] = true
				}
			}
			continue
		}
		switch {
		case m.negation:
			negating = true
		case len(m.verbs) > 0:
			if negating && m.start-lastEnd <= 3 {
				if last >= 0 {
					out[last].Except = appendVerbs(out[last].Except, m.verbs...)
				} else {
					pendingExcept = appendVerbs(pendingExcept, m.verbs...)
				}
				lastEnd = m.end
				continue
			}
			negating = false
			if last >= 0 && (len(out[last].Verbs) == 0 || afterVerbs) && len(pending) == 0 && !resourceFollows(ms, mi) {
				out[last].Verbs = appendVerbs(out[last].Verbs, m.verbs...)
				afterVerbs = true
			} else {
				pending = appendVerbs(pending, m.verbs...)
			}
		case m.kind != nil || m.arn != "":
			negating = false
			if nounOnly(toks, ms, mi, principal) {
				if nounStart < 0 {
					nounStart = m.start
				}
				continue
			}
			upto := m.start
			if nounStart >= 0 {
				upto, nounStart = nounStart, -1
			}
			r, end, ok := resourceAt(toks, m, used)
			if !ok {
				continue
			}
			if r.Service == "kms" && last >= 0 && encryptionContext(toks, m.start) {
				out[last].KMSKey = r.Name
				if r.ARN != "" {
					out[last].KMSKey = r.ARN
				}
				lastEnd = end
				continue
			}
			if r.Service == "iam" && len(pending) == 0 {
				pending = []Verb{VerbPass}
			}
			switch {
			case len(pending) > 0:
				r.Verbs = pending
			case last >= 0 && conjoined(toks, lastEnd, upto) && !afterVerbs:
				r.Verbs = append([]Verb(nil), out[last].Verbs...)
				r.Except = append([]Verb(nil), out[last].Except...)
			}
			r.Except = appendVerbs(r.Except, pendingExcept...)
			pending, pendingExcept, afterVerbs = nil, nil, false
			out = append(out, r)
			last = len(out) - 1
			m.end = end
		case m.principal != "":
			// A second principal phrase ("...for the data team") is read
			// as context, not as a resource.
		}
		lastEnd = m.end
	}
	if len(pending) > 0 && last >= 0 {
		out[last].Verbs = appendVerbs(out[last].Verbs, pending...)
	} else if len(pending) > 0 {
		notes = append(notes, "verbs without a resource were ignored: "+joinVerbs(pending))
	}
	return mergeResources(out), notes
}

// nounOnly reports whether mention mi names no resource of its own: a bare
// noun ("images", "logs", "workflow") followed, across stopwords, by a
// mention of the same kind that carries the name ("images from ECR
// repository 'web'"), or the principal's own noun ("Step Functions
// workflow").
func nounOnly(toks []token, ms []mention, mi, principal int) bool {
	m := ms[mi]
	if m.kind == nil || m.arn != "" {
		return false
	}
	if n, _ := nameAfter(toks, m.end); n != "" || nameBefore(toks, m.start, nil) != "" {
		return false
	}
	if principal >= 0 && mi == principal+1 && m.kind.principal != "" && m.kind.principal == ms[principal].principal && onlyStopwords(toks, ms[principal].end, m.start) {
		return true
	}
	if mi+1 < len(ms) {
		next := ms[mi+1]
		if next.kind != nil && next.kind.service == m.kind.service && onlyStopwords(toks, m.end, next.start) {
			return true
		}
	}
	return false
}

func onlyStopwords(toks []token, from, to int) bool {
	if from > to {
		return false
	}
	for _, t := range toks[from:to] {
		if t.quoted || !stopwords[t.lower] {
			return false
		}
	}
	return true
}

// resourceFollows reports whether the next mention after mi is a resource
// with no verb in between, so verbs at mi govern it.
func resourceFollows(ms []mention, mi int) bool {
	for _, m := range ms[mi+1:] {
		if len(m.verbs) > 0 || m.negation {
			continue
		}
		return m.kind != nil || m.arn != ""
	}
	return false
}

// conjoined reports whether only "and", "or" and commas separate two
// mentions.
func conjoined(toks []token, from, to int) bool {
	if from > to {
		return false
	}
	for _, t := range toks[from:to] {
		if !(t.lower == "and" || t.lower == "or" || t.lower == "plus" || determiners[t.lower] || t.lower == "also") {
			return false
		}
	}
	return true
}

func encryptionContext(toks []token, i int) bool {
	for j := max(0, i-4); j < i; j++ {
		switch toks[j].lower {
		case "encrypted", "encryption", "sse-kms", "sse", "encrypts":
			return true
		}
	}
	return false
}

// resourceAt builds the resource a mention names.
func resourceAt(toks []token, m mention, used map[int]bool) (Resource, int, bool) {
	if m.arn != "" {
		r := Resource{ARN: m.arn, Prefix: m.prefix}
		if svc, ok := arnService(m.arn); ok {
			r.Service = svc
		}
		if m.prefix != "" || strings.HasPrefix(m.arn, "arn:aws:s3:::") && m.prefix == "" && strings.HasPrefix(strings.ToLower(toks[m.start].text), "s3://") {
			r.Service, r.Type = "s3", "bucket"
			r.Name = strings.TrimPrefix(m.arn, "arn:aws:s3:::")
			r.ARN = ""
		}
		return r, m.end, true
	}
	k := m.kind
	r := Resource{Service: k.service, Type: k.primaryType()}
	if k.unnamed && k.nameKey == "" {
		return r, m.end, true
	}
	name, end := nameAfter(toks, m.end)
	if name == "" {
		name = nameBefore(toks, m.start, used)
	}
	for i := m.end; i < end; i++ {
		used[i] = true
	}
	if strings.HasPrefix(strings.ToLower(name), "arn:") {
		r.ARN = name
	} else {
		r.Name = name
	}
	if k.service == "s3" {
		r.Prefix, end = s3Prefix(toks, end)
		if b, p, ok := strings.Cut(r.Name, "/"); ok && r.Prefix == "" {
			r.Name, r.Prefix = b, p
		}
	}
	return r, end, true
}

// s3Prefix reads "under prefix X", "prefix X", "in the X/ folder".
func s3Prefix(toks []token, i int) (string, int) {
	for j := i; j < len(toks) && j < i+4; j++ {
		t := toks[j]
		if !t.quoted && (t.lower == "prefix" || t.lower == "folder" || t.lower == "path") {
			if j+1 < len(toks) && (toks[j+1].quoted || strings.Contains(toks[j+1].text, "/")) {
				return toks[j+1].text, j + 2
			}
			if j > i && toks[j-1].quoted {
				return toks[j-1].text, j + 1
			}
		}
		if !t.quoted && !stopwords[t.lower] {
			break
		}
	}
	return "", i
}

func arnService(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 4 {
		return "", false
	}
	return parts[2], true
}

// mergeResources joins mentions of the same resource.
func mergeResources(rs []Resource) []Resource {
	var out []Resource
	for _, r := range rs {
		merged := false
		for i := range out {
			o := &out[i]
			if o.Service == r.Service && o.Type == r.Type && o.Name == r.Name && o.ARN == r.ARN && o.Prefix == r.Prefix && (o.Name != "" || o.ARN != "") {
				o.Verbs = appendVerbs(o.Verbs, r.Verbs...)
				o.Except = appendVerbs(o.Except, r.Except...)
				if o.KMSKey == "" {
					o.KMSKey = r.KMSKey
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, r)
		}
	}
	return out
}

func appendVerbs(list []Verb, vs ...Verb) []Verb {
	for _, v := range vs {
		dup := false
		for _, have := range list {
			dup = dup || have == v
		}
		if !dup {
			list = append(list, v)
		}
	}
	return list
}

func joinVerbs(vs []Verb) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// placeContext reads account IDs, Regions and partitions.
func placeContext(toks []token, in *Intent) {
	for i, t := range toks {
		switch {
		case accountTokenRE.MatchString(t.text):
			id := strings.ReplaceAll(t.text, "-", "")
			if in.Principal.Kind == PrincipalCrossAccount && in.Principal.TrustedAccount == "" && trustedContext(toks, i) {
				in.Principal.TrustedAccount = id
			} else if in.Account == "" {
				in.Account = id
			}
		case digitsRE.MatchString(t.text) && i > 0 && toks[i-1].lower == "account":
			in.Account = t.text // validated later: not 12 digits
		case !t.quoted && regionLikeRE.MatchString(t.lower) && in.Region == "":
			in.Region = t.lower
		case !t.quoted && (t.lower == "govcloud" || t.lower == "gov-cloud"):
			in.Partition = "aws-us-gov"
		case !t.quoted && t.lower == "china" && in.Partition == "":
			in.Partition = "aws-cn"
		}
	}
	if in.Principal.Kind == PrincipalCrossAccount && in.Principal.TrustedAccount == "" && in.Account != "" {
		in.Principal.TrustedAccount, in.Account = in.Account, ""
	}
}

func trustedContext(toks []token, i int) bool {
	for j := max(0, i-4); j < i; j++ {
		switch toks[j].lower {
		case "from", "by", "trusted", "trusts", "vendor", "partner", "third-party", "auditor", "auditors", "external":
			return true
		}
	}
	return false
}

// principalDetails reads the fields a trust policy needs beyond the kind:
// GitHub repository and ref, EKS namespace, service account and issuer,
// an external ID.
func principalDetails(toks []token, in *Intent) {
	p := &in.Principal
	for i, t := range toks {
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1].text
		}
		switch p.Kind {
		case PrincipalGitHubActions:
			switch {
			case repoRE.MatchString(t.text) && (t.quoted || i > 0 && (toks[i-1].lower == "repo" || toks[i-1].lower == "repository")) && p.Repository == "":
				p.Repository = t.text
			case (t.lower == "branch") && next != "" && p.Ref == "":
				p.Ref = "ref:refs/heads/" + next
			case t.lower == "branch" && i > 0 && p.Ref == "" && !stopwords[toks[i-1].lower]:
				p.Ref = "ref:refs/heads/" + toks[i-1].text
			case t.lower == "environment" && next != "" && p.Ref == "":
				p.Ref = "environment:" + next
			case (t.lower == "tag" || t.lower == "tags") && next != "" && p.Ref == "":
				p.Ref = "ref:refs/tags/" + next
			case (t.lower == "pull" && strings.HasPrefix(strings.ToLower(next), "request")) && p.Ref == "":
				p.Ref = "pull_request"
			}
		case PrincipalEKSIRSA, PrincipalEKSPodIdentity:
			switch {
			case t.lower == "namespace" && next != "" && p.Namespace == "":
				p.Namespace = next
			case (t.lower == "serviceaccount" || (t.lower == "account" && i > 0 && toks[i-1].lower == "service")) && next != "" && p.ServiceAccount == "":
				p.ServiceAccount = next
			case strings.HasPrefix(strings.TrimPrefix(t.lower, "https://"), "oidc.eks."):
				p.OIDCIssuer = strings.TrimPrefix(t.text, "https://")
			case t.lower == "cluster" && next != "" && p.Name == "":
				p.Name = next
			}
		case PrincipalCrossAccount:
			if (t.lower == "id" || t.lower == "external-id") && i > 0 && (toks[i-1].lower == "external" || t.lower == "external-id") && next != "" {
				p.ExternalID = next
			}
		}
	}
}
