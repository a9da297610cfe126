/**
 * The exchange rate of a foreign-currency document to PLN. API v2.0 does not give a posted document's currency
 * factor, so the rate is read from the company's exchange-rate table: the latest rate starting before the tax
 * point (art. 31a ustawy o VAT: the last working day before it; Polish companies load NBP's tables there). The
 * `currencyExchangeRates` entity lies outside the API subset the research confirmed (VERIFY), so this is the one
 * place that reads it, and `settings.exchangeRates: none` turns it off.
 *
 * @module
 */
import { isConnectorError } from '@ksef-hub/connector-sdk'
import { Decimal } from 'decimal.js'
import { type BcContext, bc, parseAnswer } from './bc-client.ts'
import { exchangeRateRecord, listOf } from './records.ts'
import { odataQuery, odataString } from './refs.ts'

/**
 * PLN per unit of `currency` for a document of `day`, as a decimal string of at most 6 places (FA(3)
 * KursWaluty); `null` when BC has no rate before that day or does not serve the table.
 *
 * @example
 * ```ts
 * await exchangeRateOf(context, companyId, 'EUR', '2026-11-20') // '4.2512'
 * ```
 */
export async function exchangeRateOf(
  context: BcContext,
  companyId: string,
  currency: string,
  day: string,
): Promise<string | null> {
  if (context.settings.exchangeRates === 'none') return null
  const query = odataQuery({
    $filter: `currencyCode eq ${odataString(currency)} and startingDate lt ${day}`,
    $orderby: 'startingDate desc',
    $top: 1,
  })
  let response: Awaited<ReturnType<typeof bc>>
  try {
    response = await bc(context, { url: `/companies(${companyId})/currencyExchangeRates${query}` })
  } catch (error) {
    // A BC without the entity (an older release) leaves the document waiting with a reason, not the pull failing.
    if (isConnectorError(error) && (error.kind === 'not_found' || error.kind === 'validation')) return null
    throw error
  }
  const page = parseAnswer(listOf(exchangeRateRecord), response.json(), 'GET currencyExchangeRates')
  const rate = page.value[0]
  if (!rate?.exchangeRateAmount || !rate.relationalExchangeRateAmount) return null
  const amount = new Decimal(rate.exchangeRateAmount)
  if (amount.isZero()) return null
  // BC: exchangeRateAmount units of the currency are relationalExchangeRateAmount units of the local currency.
  return new Decimal(rate.relationalExchangeRateAmount).div(amount).toDecimalPlaces(6).toFixed()
}
