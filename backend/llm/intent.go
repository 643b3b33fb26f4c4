package llm

import (
	"regexp"
	"strings"

	"github.com/aegis-iam/aegis/backend/generate"
)

var (
	// questionLead matches a message that asks about something rather
	// than asking for something ("what breaks if I remove X?" is a
	// question even though it names a change; "can you also add X?" is a
	// request, matched by changeWords).
	questionLead = regexp.MustCompile(`^(why|what|how|which|is|are|does|do|explain|tell me)\b`)
	// changeWords mark a change to the current request.
	changeWords = regexp.MustCompile(`\b(also|additionally|as well|too|plus|and allow|add|include|remove|drop|except|but not|without|instead|only|restrict|limit|narrow)\b`)
	// startOverWords mark a fresh request even when a policy exists.
	startOverWords = regexp.MustCompile(`^(new|another|now|next)\b|\b(start over|different (role|policy|request)|a new (role|policy))\b`)
)

// detectKind is the deterministic reading of what a message asks for, used
// when the model did not say (it answered in text, or no model ran):
//   - a question ("why?", "what does s3:GetObject allow?") is an explanation;
//   - with open questions, a short message answers them;
//   - with a current policy, "also allow X" / "but not delete" refines it;
//   - anything else is a new request.
func detectKind(message string, hasIntent bool, questions []generate.Question) generate.ProposalKind {
	m := strings.ToLower(strings.TrimSpace(message))
	words := strings.Fields(m)
	switch {
	case hasIntent && questionLead.MatchString(m):
		return generate.ProposalExplain
	case hasIntent && strings.HasSuffix(m, "?") && !changeWords.MatchString(m):
		return generate.ProposalExplain
	case len(questions) > 0 && len(words) <= 6 && !startOverWords.MatchString(m):
		return generate.ProposalAnswer
	case hasIntent && changeWords.MatchString(m) && !startOverWords.MatchString(m):
		return generate.ProposalRefine
	case !hasIntent && strings.HasSuffix(m, "?") && questionLead.MatchString(m):
		return generate.ProposalExplain
	}
	return generate.ProposalNew
}

// fallbackProposal builds a proposal without the model's decision: the
// kind from detectKind, the intent from the engine's own reading of the
// message (added to the current intent for a refinement), and the model's
// text, if any, as the reply.
func fallbackProposal(req generate.AdviceRequest, reply string) *generate.Proposal {
	p := &generate.Proposal{Kind: detectKind(req.Message, req.Intent != nil, req.Questions), Reply: reply}
	switch p.Kind {
	case generate.ProposalNew:
		p.Intent = req.Extracted
	case generate.ProposalRefine:
		p.Intent = mergeIntent(*req.Intent, req.Extracted)
	case generate.ProposalAnswer:
		if len(req.Questions) == 1 {
			p.Answers = []generate.Answer{{ID: req.Questions[0].ID, Value: strings.TrimSpace(req.Message)}}
		}
	}
	return p
}

// mergeIntent adds what the extracted intent names to the current one:
// its resources after the current ones, and the principal, account, Region
// and partition where the current intent has none.
func mergeIntent(cur generate.Intent, add *generate.Intent) *generate.Intent {
	out := cur
	out.Resources = append([]generate.Resource(nil), cur.Resources...)
	if add == nil {
		return &out
	}
	out.Resources = append(out.Resources, add.Resources...)
	if out.Principal.Kind == generate.PrincipalUnknown {
		out.Principal = add.Principal
	}
	if out.Account == "" {
		out.Account = add.Account
	}
	if out.Region == "" {
		out.Region = add.Region
	}
	if out.Partition == "" {
		out.Partition = add.Partition
	}
	return &out
}
