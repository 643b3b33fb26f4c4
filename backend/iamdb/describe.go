package iamdb

// ActionSummary is the short public description of an action that every
// front door prints the same way (aegis expand --format json, the MCP
// expand_actions tool).
type ActionSummary struct {
	Action string `json:"action"`
	// Access is the access levels as AWS writes them: "Permissions management, Write".
	Access string `json:"access"`
	// Primary is the single level with PM > Tagging > List > Write > Read.
	Primary      string `json:"primary"`
	WildcardOnly bool   `json:"wildcardOnly"`
	// ResourceTypes names the resource types; a trailing "*" marks a required one.
	ResourceTypes []string `json:"resourceTypes,omitempty"`
}

// Summary describes a.
func (a *Action) Summary() ActionSummary {
	s := ActionSummary{Action: a.FullName(), Access: a.Access.String(), Primary: a.Access.Primary().String(), WildcardOnly: a.WildcardOnly()}
	for _, r := range a.Resources {
		name := r.Type.Name
		if r.Required {
			name += "*"
		}
		s.ResourceTypes = append(s.ResourceTypes, name)
	}
	return s
}

// ActionDetail is everything the database knows about one action, for
// explanations (the MCP explain_action tool, the desktop's action pop-ups).
type ActionDetail struct {
	ActionSummary
	Service     string `json:"service"` // the service's display name
	Description string `json:"description,omitempty"`
	// Resources are the resource types with their ARN formats.
	Resources []ResourceDetail `json:"resources,omitempty"`
	// ConditionKeys are the service keys usable with the action (global keys
	// apply in addition).
	ConditionKeys    []string `json:"conditionKeys,omitempty"`
	DependentActions []string `json:"dependentActions,omitempty"`
}

// ResourceDetail is one resource type an action can be scoped to.
type ResourceDetail struct {
	Type          string   `json:"type"`
	Required      bool     `json:"required"`
	ARNFormats    []string `json:"arnFormats"`
	ConditionKeys []string `json:"conditionKeys,omitempty"`
}

// Detail describes a in full.
func (db *DB) Detail(a *Action) ActionDetail {
	d := ActionDetail{ActionSummary: a.Summary(), Service: a.Service.Name, Description: a.Description,
		ConditionKeys: db.ConditionKeysFor(a), DependentActions: a.DependentActions}
	for _, r := range a.Resources {
		d.Resources = append(d.Resources, ResourceDetail{Type: r.Type.Name, Required: r.Required,
			ARNFormats: r.Type.ARNFormats, ConditionKeys: r.Type.ConditionKeys})
	}
	return d
}
