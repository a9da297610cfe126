/**
 * The invoice state machine: technical states, the transitions allowed between them, and the four words
 * accountants read. The same table is installed as a database trigger, so an illegal transition is impossible
 * even for code that bypasses this module.
 *
 * @module
 */

/** Technical states of an outgoing invoice. */
export const INVOICE_STATES = [
  /** Stored as the client sent it, before the hub's full checks; the worker checks it before it is sent. */
  'received',
  /** Stored and checked; a submit job will send it. */
  'queued',
  /** Claimed by a worker that is sending it; a crash here leaves it to be reconciled. */
  'sending',
  /** KSeF accepted it for processing (an invoice reference number); not yet numbered. */
  'sent',
  /** The send may or may not have reached KSeF; it is looked up before anything is resent. */
  'ambiguous',
  /** KSeF gave it a KSeF number: it exists legally. The UPO is being fetched. */
  'accepted',
  /** KSeF number and UPO stored. */
  'confirmed',
  /** KSeF (or the hub, before sending) refused it; a person must correct it. */
  'rejected',
  /** Issued in offline mode while KSeF was unreachable; it will be sent when KSeF is back. */
  'offline',
  /** Sending kept failing for reasons that were not the invoice's fault; waiting for an operator's replay. */
  'dead',
] as const

/** A technical state. */
export type InvoiceState = (typeof INVOICE_STATES)[number]

/** Every allowed transition: from -> the states it may move to. */
export const TRANSITIONS: Readonly<Record<InvoiceState, readonly InvoiceState[]>> = {
  received: ['queued', 'sending', 'rejected', 'offline', 'dead'],
  queued: ['sending', 'offline', 'dead'],
  sending: ['sent', 'ambiguous', 'queued', 'rejected', 'dead', 'accepted'],
  sent: ['accepted', 'rejected', 'queued'],
  ambiguous: ['sent', 'accepted', 'queued', 'rejected'],
  accepted: ['confirmed'],
  confirmed: [],
  rejected: ['queued', 'received'],
  offline: ['sending'],
  dead: ['queued'],
}

/** States in which an invoice is created. */
export const INITIAL_STATES: readonly InvoiceState[] = ['received', 'queued', 'offline']

/**
 * Whether a transition is allowed.
 *
 * @example
 * ```ts
 * canTransition('queued', 'sending') // true
 * canTransition('confirmed', 'queued') // false
 * ```
 */
export function canTransition(from: InvoiceState, to: InvoiceState): boolean {
  return TRANSITIONS[from].includes(to)
}

/** What accountants see: four words. */
export type AccountantStatus = 'sent' | 'awaiting_confirmation' | 'confirmed' | 'rejected'

const ACCOUNTANT: Readonly<Record<InvoiceState, AccountantStatus>> = {
  received: 'sent',
  queued: 'sent',
  sending: 'sent',
  offline: 'sent',
  dead: 'sent',
  sent: 'awaiting_confirmation',
  ambiguous: 'awaiting_confirmation',
  accepted: 'confirmed',
  confirmed: 'confirmed',
  rejected: 'rejected',
}

/**
 * The accountant's word for a technical state.
 *
 * @example
 * ```ts
 * accountantStatus('accepted') // 'confirmed' (numbered by KSeF; the UPO follows)
 * ```
 */
export function accountantStatus(state: InvoiceState): AccountantStatus {
  return ACCOUNTANT[state]
}

/** Labels of the accountant statuses in Polish and English. */
export const ACCOUNTANT_LABELS: Readonly<Record<AccountantStatus, { readonly pl: string; readonly en: string }>> = {
  sent: { pl: 'wysłana', en: 'sent' },
  awaiting_confirmation: { pl: 'oczekuje na potwierdzenie', en: 'awaiting confirmation' },
  confirmed: { pl: 'potwierdzona', en: 'confirmed' },
  rejected: { pl: 'odrzucona', en: 'rejected' },
}

/**
 * The SQL of the trigger that enforces {@link TRANSITIONS} in the database.
 *
 * @example
 * ```ts
 * await sql.raw(transitionTriggerSql()).execute(db)
 * ```
 */
export function transitionTriggerSql(): string {
  const pairs = Object.entries(TRANSITIONS)
    .flatMap(([from, tos]) => tos.map((to) => `('${from}','${to}')`))
    .join(',')
  const initial = INITIAL_STATES.map((state) => `'${state}'`).join(',')
  return `
create or replace function hub.enforce_invoice_transition() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if new.state not in (${initial}) then
      raise exception 'invoice % cannot be created in state %', new.id, new.state using errcode = 'check_violation';
    end if;
  elsif new.state is distinct from old.state then
    if (old.state, new.state) not in (${pairs}) then
      raise exception 'illegal invoice state transition % -> % (invoice %)', old.state, new.state, new.id
        using errcode = 'check_violation';
    end if;
  end if;
  return new;
end $$;
drop trigger if exists invoice_transition on hub.invoices;
create trigger invoice_transition before insert or update of state on hub.invoices
  for each row execute function hub.enforce_invoice_transition();
`
}
