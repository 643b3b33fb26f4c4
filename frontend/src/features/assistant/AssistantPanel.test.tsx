import {beforeEach, describe, expect, it, vi} from 'vitest'
import {render, screen, within} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type {AssistantReply, AssistantStatus} from '../../api'
import {useNavigation} from '../../stores/navigation'
import {AssistantPanel, type AssistantSubject} from './AssistantPanel'

const assistantApi = vi.hoisted(() => ({status: vi.fn(), ask: vi.fn()}))
vi.mock('../../api', async () => ({...(await import('../../test/apiMock')), assistantApi}))

const configured: AssistantStatus = {configured: true, provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-6', hint: '', warning: ''}
const body = '{"messages":[{"role":"user","content":[{"text":"<data name=\\"overview\\">{\\"riskScore\\":90}</data> Why is this critical?"}]}]}'
const consentReply: AssistantReply = {
  status: 'consent',
  answer: '',
  cites: [],
  model: 'Amazon Bedrock us.anthropic.claude-sonnet-4-6',
  notice: '',
  consent: {
    digest: 'd1',
    preview: {provider: 'Amazon Bedrock', model: 'us.anthropic.claude-sonnet-4-6', url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse', body},
    tools: [{name: 'get_findings', description: 'The validator findings of this input.'}],
  },
}
const answerReply: AssistantReply = {
  status: 'answer',
  answer: 'The Admin statement allows iam:* on every resource.',
  cites: [{kind: 'finding', id: 'AEG-PRIV-010', title: 'Full IAM control', severity: 'critical'}],
  model: 'Amazon Bedrock us.anthropic.claude-sonnet-4-6',
  notice: '',
  consent: null,
}
const subject = (text: string): AssistantSubject => ({key: text, validation: {text, fileName: 'policy.json', kind: '', save: false}})

async function ask(question: string) {
  await userEvent.type(screen.getByRole('textbox', {name: 'Question'}), question)
  await userEvent.click(screen.getByRole('button', {name: 'Ask'}))
}

describe('AssistantPanel', () => {
  beforeEach(() => {
    assistantApi.status.mockReset().mockResolvedValue(configured)
    assistantApi.ask.mockReset()
  })

  it('says what to configure when no model is', async () => {
    assistantApi.status.mockResolvedValue({configured: false, provider: '', model: '', hint: 'No model is configured. In Settings → AWS, set an Amazon Bedrock model ID.', warning: ''})
    render(<AssistantPanel subject={subject('{}')} placeholder="Ask" />)
    expect(await screen.findByText(/No model is configured/)).toBeInTheDocument()
    expect(screen.queryByRole('textbox', {name: 'Question'})).not.toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', {name: 'Open Settings'}))
    expect(useNavigation.getState().route).toBe('settings')
    expect(assistantApi.ask).not.toHaveBeenCalled()
  })

  it('shows exactly what will be sent and sends only after consent', async () => {
    assistantApi.ask.mockResolvedValueOnce(consentReply).mockResolvedValueOnce(answerReply).mockResolvedValueOnce(answerReply)
    render(<AssistantPanel subject={subject('{"Statement":[]}')} placeholder="Ask" />)
    await screen.findByRole('textbox', {name: 'Question'})
    await ask('Why is this critical?')

    const step = await screen.findByRole('region', {name: 'Send to the model?'})
    expect(within(step).getByTestId('assistant-consent-body')).toHaveTextContent(body)
    expect(within(step).getByText('https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse')).toBeInTheDocument()
    expect(within(step).getByText('get_findings')).toBeInTheDocument()
    expect(assistantApi.ask).toHaveBeenLastCalledWith(expect.objectContaining({question: 'Why is this critical?', consent: ''}))
    expect(screen.queryByTestId('assistant-answer')).not.toBeInTheDocument()

    await userEvent.click(within(step).getByRole('button', {name: 'Send to the model'}))
    expect(await screen.findByTestId('assistant-answer')).toHaveTextContent('allows iam:* on every resource')
    expect(assistantApi.ask).toHaveBeenLastCalledWith(expect.objectContaining({question: 'Why is this critical?', consent: 'd1', history: []}))
    expect(screen.getByRole('list', {name: 'Cited from the result'})).toHaveTextContent('AEG-PRIV-010')

    // A follow-up about the same result carries the consent and the conversation.
    await ask('Which statement?')
    expect(assistantApi.ask).toHaveBeenLastCalledWith(
      expect.objectContaining({question: 'Which statement?', consent: 'd1', history: [{question: 'Why is this critical?', answer: answerReply.answer}]}),
    )
  })

  it('does not send when the person declines, and asks again for another result', async () => {
    assistantApi.ask.mockResolvedValue(consentReply)
    const {rerender} = render(<AssistantPanel subject={subject('{"a":1}')} placeholder="Ask" />)
    await screen.findByRole('textbox', {name: 'Question'})
    await ask('Why?')
    await userEvent.click(await screen.findByRole('button', {name: "Don't send"}))
    expect(screen.queryByRole('region', {name: 'Send to the model?'})).not.toBeInTheDocument()
    expect(assistantApi.ask).toHaveBeenCalledTimes(1)

    rerender(<AssistantPanel subject={subject('{"b":2}')} placeholder="Ask" />)
    await ask('Why?')
    expect(assistantApi.ask).toHaveBeenLastCalledWith(expect.objectContaining({consent: ''}))
  })

  it('shows why an answer was withheld', async () => {
    assistantApi.ask.mockResolvedValue({...answerReply, status: 'failed', answer: '', cites: [], notice: 'The model\'s answer was withheld: iam:GrantEverything is not an IAM action.'})
    render(<AssistantPanel subject={subject('{}')} placeholder="Ask" />)
    await screen.findByRole('textbox', {name: 'Question'})
    await ask('Is it safe?')
    expect(await screen.findByRole('status')).toHaveTextContent('withheld')
    expect(screen.queryByTestId('assistant-answer')).not.toBeInTheDocument()
  })
})
