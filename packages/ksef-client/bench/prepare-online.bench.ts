/**
 * How many invoices per second the client prepares for an online session on one core: SHA-256 of the XML,
 * AES-256-CBC encryption, SHA-256 of the ciphertext, Base64, and the JSON body of `POST .../invoices`.
 * Run: `node packages/ksef-client/bench/prepare-online.bench.ts`
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { createSessionKey } from '../src/crypto/aes.ts'
import { prepareInvoice } from '../src/crypto/encryption.ts'
import { sampleInvoice } from '../src/testing/sample-invoice.ts'

const key = createSessionKey()
const cases = [
  { name: 'minimal FA(3) (~1.1 KB)', bytes: (i: number) => sampleInvoice({ number: `BENCH/${i}` }) },
  {
    name: 'MF example 01 (~6 KB)',
    bytes: (() => {
      const xml = readFileSync(
        new URL('../../../../shared/ksef/samples/invoices/fa3-mf-example-01-VAT.xml', import.meta.url),
        'utf8',
      )
      return (i: number) => Buffer.from(xml.replace(/<P_2>[^<]*<\/P_2>/, `<P_2>BENCH/${i}</P_2>`))
    })(),
  },
]

for (const { name, bytes } of cases) {
  const inputs = Array.from({ length: 2_000 }, (_, i) => bytes(i))
  for (const input of inputs.slice(0, 200)) JSON.stringify(prepareInvoice(key, input))
  const rounds = 10
  const started = process.hrtime.bigint()
  let size = 0
  for (let round = 0; round < rounds; round += 1) {
    for (const input of inputs) size += JSON.stringify({ ...prepareInvoice(key, input), offlineMode: false }).length
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const count = rounds * inputs.length
  console.log(
    `${name}: ${count} invoices in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} invoices/s (body ${Math.round(size / count)} B)`,
  )
}
