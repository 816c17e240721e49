// The edits the benchmarks make, as Yjs updates on the curriculum document's root
// types (`meta`, `items`, `resume`: mentorHub refuses updates to other roots).

import * as Y from 'yjs'
import { nowUs } from './clock.mjs'

const PROBE_KEY = 'bench-probe'
const WORDS = ['learn', 'read', 'build', 'ship', 'review', 'pair', 'test', 'deploy', 'write', 'plan']
const STATUSES = ['later', 'next', 'now', 'done']
const KEY_DIGITS = '123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Run `edit(doc)` and return the update it produced (one transaction, one update). */
export const capture = (doc, edit) => {
  let produced = null
  const listener = (update) => { produced = update }
  doc.on('update', listener)
  try {
    doc.transact(() => edit(doc))
  } finally {
    doc.off('update', listener)
  }
  return produced
}

/** Fan-out: overwrite one key of `meta` with "p:<seq>:<send time in µs>". */
export const probeUpdate = (doc, seq) =>
  capture(doc, (d) => d.getMap('meta').set(PROBE_KEY, `p:${seq}:${nowUs()}`))

/** The (seq, sent µs) pairs a received update carries. */
export const readProbes = (update) => {
  const found = []
  for (const struct of Y.decodeUpdate(update).structs) {
    const values = struct.content?.arr
    if (!values) continue
    for (const value of values) {
      if (typeof value === 'string' && value.startsWith('p:')) {
        const [, seq, sent] = value.split(':')
        found.push([Number(seq), Number(sent)])
      }
    }
  }
  return found
}

/** Throughput: `count` single-character insertions, typed at the end of `resume`. */
export const typingUpdates = (count) => {
  const doc = new Y.Doc()
  const text = doc.getText('resume')
  const updates = []
  for (let i = 0; i < count; i++) {
    updates.push(capture(doc, () => text.insert(text.length, 'abcdefghij'[i % 10])))
  }
  return { updates, clientID: doc.clientID }
}

/** A word inserted at a random place of `resume` (the document grows). */
export const insertWord = (doc, rand) => capture(doc, (d) => {
  const text = d.getText('resume')
  const word = WORDS[Math.floor(rand() * WORDS.length)] + ' '
  text.insert(Math.floor(rand() * (text.length + 1)), word)
})

/**
 * The writer's own `meta` key overwritten with `n`: the history grows, the state does not
 * (the overwritten values are deleted and collapse into one range per writer).
 */
export const overwriteKey = (doc, slot, n) => capture(doc, (d) => d.getMap('meta').set(`bench-k${slot}`, n))

const positionKey = (rand) =>
  KEY_DIGITS[Math.floor(rand() * KEY_DIGITS.length)] + KEY_DIGITS[Math.floor(rand() * KEY_DIGITS.length)]

/** A curriculum: its meta, then `items` cards, as one update each. */
export const createCurriculum = (doc, { items, member, mentor, rand }) => {
  const updates = [capture(doc, (d) => {
    const meta = d.getMap('meta')
    if (!meta.has('title')) meta.set('title', 'Benchmark curriculum')
    if (!meta.has('member')) meta.set('member', member)
    if (!meta.has('mentors')) meta.set('mentors', [mentor])
    if (!meta.has('created_at')) meta.set('created_at', '2025-01-06T09:00:00Z')
  })]
  for (let i = 0; i < items; i++) {
    updates.push(capture(doc, (d) => {
      const card = new Y.Map()
      const status = STATUSES[i % 4]
      card.set('title', `Resource ${i}: ${WORDS[i % WORDS.length]} the ${WORDS[(i * 7) % WORDS.length]} guide`)
      card.set('url', `https://example.org/resources/${i}`)
      card.set('kind', ['article', 'video', 'course', 'book', 'exercise'][i % 5])
      card.set('skills', [WORDS[i % WORDS.length], WORDS[(i + 3) % WORDS.length]])
      card.set('status', status)
      card.set('position', positionKey(rand))
      card.set('estimate_minutes', 15 + (i % 8) * 15)
      card.set('assigned_by', mentor)
      card.set('started_at', status === 'now' || status === 'done' ? '2025-01-07T10:00:00Z' : null)
      card.set('completed_at', status === 'done' ? '2025-01-08T10:00:00Z' : null)
      card.set('notes', new Y.Text(`Notes on resource ${i}.`))
      d.getMap('items').set(`bench-item-${String(i).padStart(3, '0')}`, card)
    }))
  }
  return updates
}

/** Move card `itemId` to a random column and place (status, position, completed_at together). */
export const moveCard = (doc, itemId, rand) => capture(doc, (d) => {
  const card = d.getMap('items').get(itemId)
  if (!card) return
  const status = STATUSES[Math.floor(rand() * STATUSES.length)]
  card.set('status', status)
  card.set('position', positionKey(rand))
  card.set('completed_at', status === 'done' ? '2025-02-01T10:00:00Z' : null)
})

/** Sum of the clocks in a state vector: how many items (characters, values) it covers. */
export const clockSum = (stateVector) => {
  let sum = 0
  for (const clock of stateVector.values()) sum += clock
  return sum
}

/** Clock ranges an update covers, per client: Map client -> end clock. */
export const updateEnds = (update) => Y.parseUpdateMeta(update).to
