package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/aegis-iam/aegis/backend/report"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// addResources serves the check reference (Markdown and JSON) and one JSON
// resource per compliance framework. The texts are rendered once: they do
// not change while the server runs.
func addResources(s *server.MCPServer, e Engines) error {
	if e.Checks != nil {
		var md, js bytes.Buffer
		if err := report.WriteCheckReference(&md, e.Checks); err != nil {
			return err
		}
		if err := report.WriteCheckReferenceJSON(&js, e.Checks); err != nil {
			return err
		}
		addText(s, "aegis://checks", "Check reference",
			"Every Aegis validation check: ID, category, severity, description, remediation, compliance controls, examples.",
			"text/markdown", md.String())
		addText(s, "aegis://checks.json", "Check reference (JSON)", "The check reference as a JSON array.", "application/json", js.String())
	}
	if e.Catalog != nil {
		for _, fw := range e.Catalog.Frameworks() {
			b, err := json.MarshalIndent(fw, "", "  ")
			if err != nil {
				return err
			}
			addText(s, "aegis://compliance/"+fw.ID, fmt.Sprintf("%s %s controls", fw.Name, fw.Version),
				fmt.Sprintf("The %s %s controls Aegis maps its checks to, as JSON.", fw.Name, fw.Version),
				"application/json", string(b))
		}
	}
	return nil
}

func addText(s *server.MCPServer, uri, name, description, mime, text string) {
	s.AddResource(mcp.NewResource(uri, name, mcp.WithResourceDescription(description), mcp.WithMIMEType(mime)),
		func(context.Context, mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: mime, Text: text}}, nil
		})
}
