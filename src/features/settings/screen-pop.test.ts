import { describe, expect, it } from 'vitest'
import { screenPopHref, templateProblem } from './screen-pop.ts'

describe('screen pop', () => {
  it('puts the caller, URL-encoded, into the template', () => {
    expect(screenPopHref('https://crm.example.com/search?phone={callerId}', '+61 2 9876')).toBe(
      'https://crm.example.com/search?phone=%2B61%202%209876',
    )
    expect(screenPopHref('https://crm.example.com/c/{callerId}', '"/><script>')).toBe(
      'https://crm.example.com/c/%22%2F%3E%3Cscript%3E',
    )
  })

  it('opens only http(s) addresses, and nothing without a template or a caller', () => {
    expect(screenPopHref('javascript:alert({callerId})', '1')).toBeNull()
    expect(screenPopHref('data:text/html,{callerId}', '1')).toBeNull()
    expect(screenPopHref('', '0298765432')).toBeNull()
    expect(screenPopHref('https://crm.example.com/?q={callerId}', '')).toBeNull()
    expect(templateProblem('javascript:alert({callerId})')).toMatch(/https/)
    expect(templateProblem('https://crm.example.com/')).toMatch(/\{callerId\}/)
    expect(templateProblem('https://crm.example.com/?q={callerId}')).toBeNull()
    expect(templateProblem('')).toBeNull()
  })
})
