package llm

import (
	"encoding/json"
	"fmt"
	"strings"
)

// blockAssembler rebuilds a message from streamed deltas: text pieces and
// tool-use input fragments keyed by the stream's block index, kept in the
// order the blocks first appeared.
type blockAssembler struct {
	order []int
	parts map[int]*partialBlock
}

type partialBlock struct {
	text  strings.Builder
	tool  *ToolUse
	input strings.Builder
}

func (a *blockAssembler) get(i int) *partialBlock {
	if a.parts == nil {
		a.parts = map[int]*partialBlock{}
	}
	p, ok := a.parts[i]
	if !ok {
		p = &partialBlock{}
		a.parts[i] = p
		a.order = append(a.order, i)
	}
	return p
}

func (a *blockAssembler) text(i int, s string) { a.get(i).text.WriteString(s) }

// startTool opens (or names) the tool use at block i; empty values do not
// overwrite ones already seen.
func (a *blockAssembler) startTool(i int, id, name string) {
	p := a.get(i)
	if p.tool == nil {
		p.tool = &ToolUse{}
	}
	if id != "" {
		p.tool.ID = id
	}
	if name != "" {
		p.tool.Name = name
	}
}

func (a *blockAssembler) toolInput(i int, s string) {
	a.startTool(i, "", "")
	a.get(i).input.WriteString(s)
}

// blocks returns the assembled content. A tool use whose input is not a
// JSON object, or that has no name, is a malformed response.
func (a *blockAssembler) blocks() ([]Block, error) {
	var out []Block
	for _, i := range a.order {
		p := a.parts[i]
		if p.tool == nil {
			if p.text.Len() > 0 {
				out = append(out, Block{Text: p.text.String()})
			}
			continue
		}
		in := strings.TrimSpace(p.input.String())
		if in == "" {
			in = "{}"
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(in), &obj); err != nil {
			return nil, fmt.Errorf("tool use %q input is not a JSON object: %w", p.tool.Name, err)
		}
		if p.tool.Name == "" {
			return nil, fmt.Errorf("tool use at block %d has no name", i)
		}
		if p.text.Len() > 0 {
			out = append(out, Block{Text: p.text.String()})
		}
		t := *p.tool
		t.Input = json.RawMessage(in)
		out = append(out, Block{ToolUse: &t})
	}
	return out, nil
}
