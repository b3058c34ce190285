import { describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { chooseBoundary, multipartBody, multipartContentType } from '../../src/cocalc/multipart.js'
import { parseMultipart } from '../emulators/cocalc.js'

describe('multipartBody', () => {
  it('builds the exact bytes of a form with fields and one file part', () => {
    const body = Buffer.concat(
      multipartBody(
        'XyZ',
        [
          ['dzchunkindex', '0'],
          ['fullPath', 'a b.txt']
        ],
        { field: 'file', filename: 'a b.txt', content: Buffer.from('hi\r\n') }
      )
    )
    expect(body.toString('utf8')).toBe(
      '--XyZ\r\nContent-Disposition: form-data; name="dzchunkindex"\r\n\r\n0\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name="fullPath"\r\n\r\na b.txt\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a b.txt"\r\nContent-Type: application/octet-stream\r\n\r\n' +
        'hi\r\n\r\n--XyZ--\r\n'
    )
    expect(multipartContentType('XyZ')).toBe('multipart/form-data; boundary=XyZ')
  })

  it('round-trips any binary content and UTF-8 field through a strict parser', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.string({ maxLength: 40 }), (bytes, text) => {
        const content = Buffer.from(bytes)
        const value = text.replace(/[\r\n]/g, '')
        const boundary = chooseBoundary(content, [value])
        const parsed = parseMultipart(
          Buffer.concat(multipartBody(boundary, [['fullPath', value]], { field: 'file', filename: 'x', content })),
          boundary
        )
        expect(parsed).toEqual({ fields: { fullPath: value }, file: { filename: 'x', content } })
      })
    )
  })

  it('keeps content that looks like multipart syntax intact', () => {
    const content = Buffer.from('\r\n--\r\n--fake\r\nContent-Disposition: form-data; name="x"\r\n\r\n--')
    const boundary = chooseBoundary(content, [])
    const parsed = parseMultipart(Buffer.concat(multipartBody(boundary, [], { field: 'file', filename: 'f', content })), boundary)
    expect('file' in parsed && parsed.file?.content.equals(content)).toBe(true)
  })
})

describe('chooseBoundary', () => {
  it('never picks a boundary that occurs in the content or a field', () => {
    const candidates = ['aaa', 'bbb', 'ccc']
    const random = (): string => candidates.shift() ?? 'zzz'
    const content = Buffer.from('xx----PublishBoundaryaaa yy')
    expect(chooseBoundary(content, ['----PublishBoundarybbb'], random)).toBe('----PublishBoundaryccc')
  })
  it('is random and RFC 2046 sized', () => {
    const boundary = chooseBoundary(randomBytes(1000), [])
    expect(boundary).toMatch(/^[-A-Za-z0-9]{1,70}$/)
    expect(chooseBoundary(Buffer.alloc(0), [])).not.toBe(boundary)
  })
})
