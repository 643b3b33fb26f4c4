package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"
)

// DefaultBedrockModel is the model the Bedrock provider uses unless told
// otherwise: Claude Sonnet 4.6 through its US cross-Region inference profile
// (Claude 4 models are invoked through inference profiles, not bare model
// IDs). Use "eu." or "apac." (or "global.") profiles from other Regions.
const DefaultBedrockModel = "us.anthropic.claude-sonnet-4-6"

// DefaultBedrockRegion is the Region used when neither the options nor the
// AWS profile name one.
const DefaultBedrockRegion = "us-east-1"

// BedrockOptions configures the Bedrock provider. The zero value uses
// DefaultBedrockModel in the profile's Region (or DefaultBedrockRegion).
type BedrockOptions struct {
	ModelID string
	Region  string
	// BaseEndpoint replaces the Regional endpoint (a VPC endpoint, or a
	// local server in tests).
	BaseEndpoint string
	// MaxAttempts bounds the SDK's retries of throttled and failed calls;
	// 0 keeps the SDK's default (3 attempts).
	MaxAttempts int
	// Temperature, when set, is sent in inferenceConfig.
	Temperature *float32
}

// Bedrock calls Amazon Bedrock's Converse and ConverseStream operations with
// the credentials of the aws.Config it was built from (the user's profile).
// It never logs or returns credentials.
type Bedrock struct {
	client *bedrockruntime.Client
	model  string
	region string
	temp   *float32
}

// NewBedrock returns a Bedrock provider using cfg's credentials.
func NewBedrock(cfg aws.Config, opts BedrockOptions) *Bedrock {
	model := opts.ModelID
	if model == "" {
		model = DefaultBedrockModel
	}
	region := opts.Region
	if region == "" {
		region = cfg.Region
	}
	if region == "" {
		region = DefaultBedrockRegion
	}
	client := bedrockruntime.NewFromConfig(cfg, func(o *bedrockruntime.Options) {
		o.Region = region
		if opts.BaseEndpoint != "" {
			o.BaseEndpoint = aws.String(opts.BaseEndpoint)
		}
		if opts.MaxAttempts > 0 {
			o.RetryMaxAttempts = opts.MaxAttempts
		}
		if o.HTTPClient == nil {
			o.HTTPClient = awshttp.NewBuildableClient()
		}
		o.HTTPClient = plainBodyClient{o.HTTPClient}
	})
	return &Bedrock{client: client, model: model, region: region, temp: opts.Temperature}
}

// Name implements Provider.
func (b *Bedrock) Name() string { return "Amazon Bedrock" }

// Model implements Provider.
func (b *Bedrock) Model() string { return b.model }

// Complete implements Provider with Converse, or ConverseStream when onText
// is not nil.
func (b *Bedrock) Complete(ctx context.Context, req Request, onText func(string)) (*Response, error) {
	in, err := b.input(req)
	if err != nil {
		return nil, err
	}
	if onText == nil {
		out, err := b.client.Converse(ctx, in)
		if err != nil {
			return nil, b.classify(ctx, err)
		}
		return b.response(out)
	}
	return b.stream(ctx, in, onText)
}

// Payload implements Provider: it runs the SDK's own serializer and captures
// the request instead of sending it. It signs with placeholder credentials,
// so the user's credentials are neither fetched nor shown; only the method,
// URL and body are returned.
func (b *Bedrock) Payload(ctx context.Context, req Request, stream bool) (*Payload, error) {
	in, err := b.input(req)
	if err != nil {
		return nil, err
	}
	c := &captureClient{}
	capture := func(o *bedrockruntime.Options) {
		o.HTTPClient = c
		o.Credentials = previewCredentials
		o.Retryer = aws.NopRetryer{}
	}
	if stream {
		_, err = b.client.ConverseStream(ctx, streamInput(in), capture)
	} else {
		_, err = b.client.Converse(ctx, in, capture)
	}
	if c.req == nil {
		return nil, &Error{Kind: ErrBadRequest, Provider: b.Name(), Model: b.model, Err: err}
	}
	return &Payload{Provider: b.Name(), Model: b.model, Method: c.req.Method, URL: c.req.URL.String(), Body: c.body}, nil
}

// previewCredentials sign a captured request that is never sent.
var previewCredentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "PREVIEW", SecretAccessKey: "PREVIEW", Source: "preview"}, nil
})

// plainBodyClient hides the io.WriterTo of the SDK's request body. The SDK
// closes that body as soon as the response headers arrive, after which its
// WriteTo returns io.EOF as an error; net/http, which may still be checking
// the body for bytes beyond Content-Length, then fails the write and closes
// the connection under a streaming response ("use of closed network
// connection" in the middle of ConverseStream). Read returns a plain EOF.
type plainBodyClient struct{ next bedrockruntime.HTTPClient }

// Do sends r with its body reduced to Read and Close.
func (c plainBodyClient) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = struct{ io.ReadCloser }{r.Body}
	}
	return c.next.Do(r)
}

// errCaptured stops a captured request from being sent.
var errCaptured = errors.New("request captured, not sent")

// captureClient is an HTTP client that records the request and sends nothing.
type captureClient struct {
	req  *http.Request
	body []byte
}

// Do records r and its body and sends nothing.
func (c *captureClient) Do(r *http.Request) (*http.Response, error) {
	c.req = r
	if r.Body != nil {
		c.body, _ = io.ReadAll(r.Body)
	}
	return nil, errCaptured
}

// input converts a Request into the Converse input; ConverseStream takes
// the same fields (streamInput).
func (b *Bedrock) input(req Request) (*bedrockruntime.ConverseInput, error) {
	in := &bedrockruntime.ConverseInput{ModelId: aws.String(b.model)}
	if req.System != "" {
		in.System = []types.SystemContentBlock{&types.SystemContentBlockMemberText{Value: req.System}}
	}
	if req.MaxTokens > 0 || b.temp != nil {
		in.InferenceConfig = &types.InferenceConfiguration{Temperature: b.temp}
		if req.MaxTokens > 0 {
			in.InferenceConfig.MaxTokens = aws.Int32(int32(req.MaxTokens))
		}
	}
	for _, t := range req.Tools {
		schema, err := jsonDocument(t.InputSchema)
		if err != nil {
			return nil, &Error{Kind: ErrBadRequest, Provider: b.Name(), Model: b.model, Err: fmt.Errorf("tool %s schema: %w", t.Name, err)}
		}
		if in.ToolConfig == nil {
			in.ToolConfig = &types.ToolConfiguration{}
		}
		in.ToolConfig.Tools = append(in.ToolConfig.Tools, &types.ToolMemberToolSpec{Value: types.ToolSpecification{
			Name: aws.String(t.Name), Description: aws.String(t.Description),
			InputSchema: &types.ToolInputSchemaMemberJson{Value: schema},
		}})
	}
	for _, m := range req.Messages {
		msg := types.Message{Role: types.ConversationRole(m.Role)}
		for _, blk := range m.Content {
			cb, err := bedrockBlock(blk)
			if err != nil {
				return nil, &Error{Kind: ErrBadRequest, Provider: b.Name(), Model: b.model, Err: err}
			}
			msg.Content = append(msg.Content, cb)
		}
		in.Messages = append(in.Messages, msg)
	}
	return in, nil
}

func bedrockBlock(blk Block) (types.ContentBlock, error) {
	switch {
	case blk.ToolUse != nil:
		input, err := jsonDocument(blk.ToolUse.Input)
		if err != nil {
			return nil, fmt.Errorf("tool use %s input: %w", blk.ToolUse.ID, err)
		}
		return &types.ContentBlockMemberToolUse{Value: types.ToolUseBlock{
			ToolUseId: aws.String(blk.ToolUse.ID), Name: aws.String(blk.ToolUse.Name), Input: input}}, nil
	case blk.ToolResult != nil:
		r := types.ToolResultBlock{ToolUseId: aws.String(blk.ToolResult.ToolUseID), Status: types.ToolResultStatusSuccess}
		if blk.ToolResult.IsError {
			r.Status = types.ToolResultStatusError
		}
		// Converse takes a JSON object in a json block; anything else
		// (a string, a list) travels as text.
		if v, err := jsonDocument(blk.ToolResult.Content); err == nil && isJSONObject(blk.ToolResult.Content) {
			r.Content = []types.ToolResultContentBlock{&types.ToolResultContentBlockMemberJson{Value: v}}
		} else {
			r.Content = []types.ToolResultContentBlock{&types.ToolResultContentBlockMemberText{Value: string(blk.ToolResult.Content)}}
		}
		return &types.ContentBlockMemberToolResult{Value: r}, nil
	default:
		return &types.ContentBlockMemberText{Value: blk.Text}, nil
	}
}

func isJSONObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

// jsonDocument turns JSON text into a Smithy document; an empty input is an
// empty object.
func jsonDocument(raw json.RawMessage) (document.Interface, error) {
	var v any = map[string]any{}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
	}
	return document.NewLazyDocument(v), nil
}

// documentJSON turns a Smithy document back into JSON text.
func documentJSON(d document.Interface) (json.RawMessage, error) {
	if d == nil {
		return json.RawMessage("{}"), nil
	}
	b, err := d.MarshalSmithyDocument()
	if err != nil {
		return nil, err
	}
	return json.RawMessage(b), nil
}

func (b *Bedrock) response(out *bedrockruntime.ConverseOutput) (*Response, error) {
	msg, ok := out.Output.(*types.ConverseOutputMemberMessage)
	if !ok {
		return nil, b.badResponse(fmt.Errorf("output is %T, not a message", out.Output))
	}
	resp := &Response{Message: Message{Role: RoleAssistant}, StopReason: StopReason(out.StopReason), Usage: tokenUsage(out.Usage)}
	for _, cb := range msg.Value.Content {
		switch v := cb.(type) {
		case *types.ContentBlockMemberText:
			resp.Message.Content = append(resp.Message.Content, Block{Text: v.Value})
		case *types.ContentBlockMemberToolUse:
			input, err := documentJSON(v.Value.Input)
			if err != nil {
				return nil, b.badResponse(fmt.Errorf("tool use input: %w", err))
			}
			resp.Message.Content = append(resp.Message.Content, Block{ToolUse: &ToolUse{
				ID: aws.ToString(v.Value.ToolUseId), Name: aws.ToString(v.Value.Name), Input: input}})
		}
	}
	return resp, nil
}

func tokenUsage(u *types.TokenUsage) Usage {
	if u == nil {
		return Usage{}
	}
	return Usage{InputTokens: int(aws.ToInt32(u.InputTokens)), OutputTokens: int(aws.ToInt32(u.OutputTokens))}
}

// stream calls ConverseStream and assembles the message from its events:
// contentBlockStart opens a tool use, contentBlockDelta appends text (sent
// to onText) or tool input JSON, messageStop gives the stop reason and
// metadata the usage.
func (b *Bedrock) stream(ctx context.Context, in *bedrockruntime.ConverseInput, onText func(string)) (*Response, error) {
	out, err := b.client.ConverseStream(ctx, streamInput(in))
	if err != nil {
		return nil, b.classify(ctx, err)
	}
	es := out.GetStream()
	defer es.Close()
	var acc blockAssembler
	resp := &Response{Message: Message{Role: RoleAssistant}}
	for ev := range es.Events() {
		switch v := ev.(type) {
		case *types.ConverseStreamOutputMemberContentBlockStart:
			if tu, ok := v.Value.Start.(*types.ContentBlockStartMemberToolUse); ok {
				acc.startTool(int(aws.ToInt32(v.Value.ContentBlockIndex)), aws.ToString(tu.Value.ToolUseId), aws.ToString(tu.Value.Name))
			}
		case *types.ConverseStreamOutputMemberContentBlockDelta:
			i := int(aws.ToInt32(v.Value.ContentBlockIndex))
			switch d := v.Value.Delta.(type) {
			case *types.ContentBlockDeltaMemberText:
				acc.text(i, d.Value)
				onText(d.Value)
			case *types.ContentBlockDeltaMemberToolUse:
				acc.toolInput(i, aws.ToString(d.Value.Input))
			}
		case *types.ConverseStreamOutputMemberMessageStop:
			resp.StopReason = StopReason(v.Value.StopReason)
		case *types.ConverseStreamOutputMemberMetadata:
			resp.Usage = tokenUsage(v.Value.Usage)
		}
	}
	if err := es.Err(); err != nil {
		return nil, b.classify(ctx, err)
	}
	if e := contextError(ctx, b.Name(), b.model); e != nil {
		return nil, e
	}
	content, err := acc.blocks()
	if err != nil {
		return nil, b.badResponse(err)
	}
	resp.Message.Content = content
	return resp, nil
}

// streamInput copies the fields this package sets from a Converse input.
func streamInput(in *bedrockruntime.ConverseInput) *bedrockruntime.ConverseStreamInput {
	return &bedrockruntime.ConverseStreamInput{
		ModelId: in.ModelId, Messages: in.Messages, System: in.System,
		InferenceConfig: in.InferenceConfig, ToolConfig: in.ToolConfig,
	}
}

func (b *Bedrock) badResponse(err error) *Error {
	return &Error{Kind: ErrBadResponse, Provider: b.Name(), Model: b.model, Err: err}
}

// classify maps an SDK error to an *Error. Bedrock's exceptions are matched
// by their error code, as documented for Converse and ConverseStream.
func (b *Bedrock) classify(ctx context.Context, err error) *Error {
	if e := contextError(ctx, b.Name(), b.model); e != nil {
		return e
	}
	e := &Error{Kind: ErrUnavailable, Provider: b.Name(), Model: b.model, Err: err}
	var api smithy.APIError
	var nerr net.Error
	switch {
	case errors.As(err, &api):
		e.Detail = api.ErrorMessage()
		e.Kind = bedrockKind(api.ErrorCode(), api.ErrorMessage())
	case errors.As(err, &nerr) && nerr.Timeout():
		e.Kind = ErrTimeout
	}
	return e
}

func bedrockKind(code, message string) error {
	switch code {
	case "ThrottlingException", "throttlingException", "ServiceQuotaExceededException":
		return ErrThrottled
	case "AccessDeniedException":
		return ErrAccessDenied
	case "ResourceNotFoundException":
		return ErrModelNotFound
	case "ModelTimeoutException":
		return ErrTimeout
	case "ServiceUnavailableException", "serviceUnavailableException", "InternalServerException", "internalServerException", "ModelNotReadyException":
		return ErrUnavailable
	case "ModelStreamErrorException", "modelStreamErrorException", "ModelErrorException":
		return ErrBadResponse
	case "ValidationException", "validationException":
		// An unknown or unsupported model ID is a ValidationException
		// ("The provided model identifier is invalid.", "Invocation of model
		// ID ... with on-demand throughput isn't supported.").
		m := strings.ToLower(message)
		if strings.Contains(m, "model identifier") || strings.Contains(m, "model id") {
			return ErrModelNotFound
		}
		return ErrBadRequest
	}
	return ErrUnavailable
}
