package iamdb

import (
	"fmt"
	"regexp"
	"strings"
)

// EventSource maps a CloudTrail eventSource whose first label is not the
// IAM prefix (monitoring.amazonaws.com → cloudwatch).
type EventSource struct {
	Source string `json:"source"`
	Prefix string `json:"prefix"`
}

// EventKind says how an event relates to the actions of its mapping.
type EventKind uint8

// Event kinds.
const (
	// EventAllOf: the call was authorized against every listed action.
	EventAllOf EventKind = iota
	// EventAnyOf: the call was authorized against one or more of the listed
	// actions, which one depends on the request (DynamoDB PartiQL statements).
	EventAnyOf
	// EventNoAction: the call needs no IAM permission (sts:GetCallerIdentity,
	// console sign-in events).
	EventNoAction
)

// EventRule is a curated event-name exception for one IAM prefix. Event is
// the eventName, or a prefix of it ending in '*' (apigateway "Get*").
type EventRule struct {
	Prefix  string    `json:"prefix"`
	Event   string    `json:"event"`
	Actions []string  `json:"actions,omitempty"`
	Kind    EventKind `json:"kind,omitempty"`
}

// EventMapping is the IAM meaning of one CloudTrail event.
type EventMapping struct {
	Prefix  string    // IAM prefix of the event source
	Actions []string  // full action names; empty for EventNoAction
	Kind    EventKind // how the actions relate to the call
	// Rule says how the mapping was found: "rule" (a curated exception),
	// "operation" (AWS's operation table, after a data update), "same-name"
	// or "version-suffix" (the action named like the event, once the API
	// version suffix of Lambda and CloudFront events is stripped).
	Rule string
}

// versionSuffix matches the API-version suffix Lambda and CloudFront add to
// event names: "UpdateFunctionCode20150331v2", "CreateDistribution2020_05_31".
var versionSuffix = regexp.MustCompile(`(?:19|20)\d\d_?\d\d_?\d\d(?:v\d+)?$`)

func (db *DB) indexEvents() error {
	db.sources = make(map[string]string, len(db.data.EventSources))
	for _, s := range db.data.EventSources {
		db.sources[strings.ToLower(s.Source)] = strings.ToLower(s.Prefix)
	}
	db.rules = make(map[string]*EventRule, len(db.data.EventRules))
	for i := range db.data.EventRules {
		r := &db.data.EventRules[i]
		k := strings.ToLower(r.Prefix + ":" + r.Event)
		if _, dup := db.rules[k]; dup {
			return fmt.Errorf("duplicate CloudTrail event rule %s:%s", r.Prefix, r.Event)
		}
		db.rules[k] = r
	}
	return nil
}

// EventActions returns the IAM actions a CloudTrail event (eventSource,
// eventName) was authorized against. ok is false when the source or the
// event is unknown; an event that needs no permission gives ok=true and no
// actions. See Event for the details of a mapping.
func (db *DB) EventActions(eventSource, eventName string) (actions []string, ok bool) {
	m, ok := db.Event(eventSource, eventName)
	return m.Actions, ok
}

// EventPrefix returns the IAM prefix of a CloudTrail eventSource: the
// curated exceptions first, then the first label of "<label>.amazonaws.com"
// when it is a known prefix.
func (db *DB) EventPrefix(eventSource string) (string, bool) {
	src := lowerASCII(eventSource)
	if p, ok := db.sources[src]; ok {
		return p, true
	}
	label, ok := strings.CutSuffix(src, ".amazonaws.com")
	if !ok {
		return "", false
	}
	if _, known := db.byPrefix[label]; !known {
		return "", false
	}
	return label, true
}

// Event maps a CloudTrail event to IAM actions. In order: a curated
// no-IAM-action rule, the operation table of a data update, a curated rule
// (S3 renames, API Gateway HTTP verbs, ...), the action named like the
// event, and the same again without an API version suffix. Nothing is guessed: anything
// else is reported with ok=false.
func (db *DB) Event(eventSource, eventName string) (EventMapping, bool) {
	prefix, ok := db.EventPrefix(eventSource)
	if !ok || eventName == "" {
		return EventMapping{}, false
	}
	if m, ok := db.eventByName(prefix, eventName); ok {
		return m, true
	}
	if loc := versionSuffix.FindStringIndex(eventName); loc != nil && loc[0] > 0 {
		if m, ok := db.eventByName(prefix, eventName[:loc[0]]); ok {
			if m.Rule == "same-name" {
				m.Rule = "version-suffix"
			}
			return m, true
		}
	}
	return EventMapping{}, false
}

func (db *DB) eventByName(prefix, event string) (EventMapping, bool) {
	r, hasRule := db.rule(prefix, event)
	if hasRule && r.Kind == EventNoAction {
		return EventMapping{Prefix: prefix, Kind: EventNoAction, Rule: "rule"}, true
	}
	// AWS's own operation table, when a data update supplied one, is more
	// complete than the curated renames (S3 CopyObject also needs GetObject).
	if s, ok := db.byPrefix[prefix]; ok {
		if op, ok := s.Operation(event); ok && len(op.Actions) > 0 {
			acts := make([]string, 0, len(op.Actions))
			for _, aa := range op.Actions {
				acts = append(acts, aa.Action)
			}
			return EventMapping{Prefix: prefix, Actions: acts, Rule: "operation"}, true
		}
	}
	if hasRule {
		return EventMapping{Prefix: prefix, Actions: r.Actions, Kind: r.Kind, Rule: "rule"}, true
	}
	if a, ok := db.Action(prefix + ":" + event); ok {
		return EventMapping{Prefix: prefix, Actions: []string{a.FullName()}, Rule: "same-name"}, true
	}
	return EventMapping{}, false
}

// rule finds the exact rule for the event, else the rule with the longest
// "Prefix*" pattern that the event starts with.
func (db *DB) rule(prefix, event string) (*EventRule, bool) {
	le := lowerASCII(event)
	if r, ok := db.rules[prefix+":"+le]; ok {
		return r, true
	}
	for i := len(le) - 1; i > 0; i-- {
		if r, ok := db.rules[prefix+":"+le[:i]+"*"]; ok {
			return r, true
		}
	}
	return nil, false
}
