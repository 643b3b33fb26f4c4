import {beforeEach, describe, expect, it, vi} from 'vitest'
import {act, render, screen, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {emit, request} from '../../test/apiMock'
import type {Conversation} from '../../api/generate'
import {generateApi} from '../../api/generate'
import {useGenerate} from '../../stores/generate'
import {exampleDescription, GeneratePage} from './GeneratePage'

vi.mock('../../api', () => import('../../test/apiMock'))
vi.mock('../../api/generate', () => ({
  generateApi: {templates: vi.fn(), start: vi.fn(), answer: vi.fn(), send: vi.fn(), resume: vi.fn(), exportAs: vi.fn()},
}))

const perms = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "DynamoDBTableUsers", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:*:*:table/users"}\n  ]\n}'
const trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

function conversation(over: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    title: exampleDescription,
    messages: [
      {role: 'user', text: exampleDescription},
      {role: 'assistant', text: 'Here are the permissions and trust policies: 1 statement, risk 0 (none).'},
    ],
    status: 'complete',
    consent: null,
    model: '',
    questions: [],
    permissionsPolicy: perms,
    trustPolicy: trust,
    explanations: [{sid: 'DynamoDBTableUsers', summary: 'Reads the users table', actions: [{action: 'dynamodb:GetItem', accessLevel: 'Read', description: 'Returns one item'}]}],
    suggestions: [{id: 'tls', title: 'Require TLS', detail: 'Add aws:SecureTransport.'}],
    findings: [],
    riskScore: 0,
    riskBand: 'none',
    decisions: ['Scoped to the table, not *.'],
    defaults: [],
    notes: [],
    placeholders: [],
    ...over,
  }
}

const question = {id: 'resources.0.write', text: 'Put only, or also update and delete?', options: ['put', 'put,update'], default: ''}

beforeEach(() => {
  vi.mocked(generateApi.templates).mockResolvedValue([
    {id: 'lambda-dynamodb-api', title: 'Lambda + DynamoDB API', summary: 'An API handler', description: 'Lambda that reads {table}', params: [{name: 'table', text: 'Table name', default: 'orders'}], answers: []},
  ])
  useGenerate.setState(useGenerate.getInitialState(), true)
})

describe('GeneratePage', () => {
  it('generates from a description and shows both policies, explanations and the score', async () => {
    vi.mocked(generateApi.start).mockResolvedValue(conversation())
    const user = userEvent.setup()
    render(<GeneratePage />)
    await user.type(screen.getByLabelText('Describe the workload'), exampleDescription)
    await user.click(screen.getByRole('button', {name: 'Generate'}))
    expect(generateApi.start).toHaveBeenCalledWith({description: exampleDescription, templateId: '', params: {}, consent: false, offline: false})
    expect(await screen.findByRole('region', {name: 'Permissions policy'})).toHaveTextContent('dynamodb:GetItem')
    expect(screen.getByRole('region', {name: 'Trust policy'})).toHaveTextContent('lambda.amazonaws.com')
    expect(screen.getByRole('meter', {name: 'Risk score'})).toHaveAttribute('aria-valuenow', '0')
    expect(screen.getByLabelText('Statement explanations')).toHaveTextContent('Returns one item')
    expect(screen.queryByRole('region', {name: 'Questions'})).not.toBeInTheDocument()
  })

  it('asks questions as chips and answers with a click', async () => {
    vi.mocked(generateApi.start).mockResolvedValue(conversation({status: 'needs-input', questions: [question], permissionsPolicy: '', trustPolicy: ''}))
    vi.mocked(generateApi.answer).mockResolvedValue(conversation())
    const user = userEvent.setup()
    render(<GeneratePage />)
    await user.type(screen.getByLabelText('Describe the workload'), "Lambda that writes to DynamoDB table 'orders'")
    await user.click(screen.getByRole('button', {name: 'Generate'}))
    const questions = await screen.findByRole('region', {name: 'Questions'})
    await user.click(within(questions).getByRole('button', {name: 'put,update'}))
    expect(generateApi.answer).toHaveBeenCalledWith('c1', [{id: question.id, value: 'put,update'}])
    expect(await screen.findByRole('region', {name: 'Permissions policy'})).toBeInTheDocument()
  })

  it('shows what will be sent to a model and waits for consent', async () => {
    const preview = {provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-6', url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse-stream', body: '{"messages":[]}'}
    vi.mocked(generateApi.start)
      .mockResolvedValueOnce(conversation({id: '', status: 'consent', consent: preview, messages: []}))
      .mockImplementationOnce(async () => {
        act(() => emit('generate:text', {text: 'Reading your request'}))
        return conversation({model: 'bedrock us.anthropic.claude-sonnet-4-6'})
      })
    const user = userEvent.setup()
    render(<GeneratePage />)
    await user.type(screen.getByLabelText('Describe the workload'), exampleDescription)
    await user.click(screen.getByRole('button', {name: 'Generate'}))
    expect(await screen.findByTestId('consent-body')).toHaveTextContent('{"messages":[]}')
    await user.click(screen.getByRole('button', {name: 'Send to the model'}))
    expect(generateApi.start).toHaveBeenLastCalledWith(expect.objectContaining({description: exampleDescription, consent: true}))
    expect(await screen.findByText(/Read by bedrock/)).toBeInTheDocument()
  })

  it('starts from a parameterised template and exports', async () => {
    vi.mocked(generateApi.start).mockResolvedValue(conversation())
    vi.mocked(generateApi.exportAs).mockResolvedValue({text: 'resource "aws_iam_role"', suggestedName: 'iam.tf'})
    const user = userEvent.setup()
    render(<GeneratePage />)
    await user.click(screen.getByRole('tab', {name: 'Templates'}))
    await user.click(await screen.findByRole('button', {name: /Lambda \+ DynamoDB API/}))
    const field = screen.getByLabelText('Table name')
    await user.clear(field)
    await user.type(field, 'users')
    await user.click(screen.getByRole('button', {name: 'Generate from template'}))
    expect(generateApi.start).toHaveBeenCalledWith(expect.objectContaining({templateId: 'lambda-dynamodb-api', params: {table: 'users'}}))
    await user.click(await screen.findByRole('button', {name: 'Terraform'}))
    expect(generateApi.exportAs).toHaveBeenCalledWith('c1', 'terraform')
    expect(request).toHaveBeenCalledWith('app:save-policy', {text: 'resource "aws_iam_role"', suggestedName: 'iam.tf'})
  })
})

describe('ResumeConversationButton', () => {
  it('reopens a saved conversation in Generate', async () => {
    vi.mocked(generateApi.resume).mockResolvedValue(conversation())
    const {ResumeConversationButton} = await import('./ResumeConversationButton')
    const {useNavigation} = await import('../../stores/navigation')
    const user = userEvent.setup()
    render(<ResumeConversationButton id="c1" />)
    await user.click(screen.getByRole('button', {name: 'Resume in Generate'}))
    expect(generateApi.resume).toHaveBeenCalledWith('c1')
    expect(useNavigation.getState().route).toBe('generate')
    await vi.waitFor(() => expect(useGenerate.getState().conversation?.id).toBe('c1'))
  })
})
