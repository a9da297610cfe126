import { describe, expect, it } from 'vitest'
import { withoutJsonWhitespace } from './fingerprint.ts'

const text = (value: string) => new TextDecoder().decode(withoutJsonWhitespace(new TextEncoder().encode(value)))

describe('JSON without its whitespace', () => {
  it('drops the whitespace between tokens and keeps strings as they are, escapes included', () => {
    expect(text('{ "a" : [ 1 ,\n\t2 ],\r\n "b c": "d \\" e\\\\" }')).toBe('{"a":[1,2],"b c":"d \\" e\\\\"}')
    expect(text(JSON.stringify({ x: [1, { y: 'z z' }] }, null, 2))).toBe('{"x":[1,{"y":"z z"}]}')
  })
})
