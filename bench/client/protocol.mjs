// The y-websocket wire protocol, bytes in and bytes out, on lib0's encoders and
// y-protocols' message numbers: what a stock WebsocketProvider sends and expects.

import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync'

export const MESSAGE_SYNC = 0
export const MESSAGE_AWARENESS = 1
export const MESSAGE_QUERY_AWARENESS = 3

export const STEP1 = messageYjsSyncStep1
export const STEP2 = messageYjsSyncStep2
export const UPDATE = messageYjsUpdate

export const EMPTY_STATE_VECTOR = new Uint8Array([0])
export const EMPTY_UPDATE = new Uint8Array([0, 0])

const syncMessage = (subtype, payload) => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  encoding.writeVarUint(encoder, subtype)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

export const step1Message = (stateVector = EMPTY_STATE_VECTOR) => syncMessage(STEP1, stateVector)
export const step2Message = (update = EMPTY_UPDATE) => syncMessage(STEP2, update)
export const updateMessage = (update) => syncMessage(UPDATE, update)

/**
 * Split one frame into { type, subtype, payload }. `payload` is a view into `frame`.
 * Non-sync messages (awareness, ...) come back with subtype -1 and are not decoded further.
 * @param {Uint8Array} frame
 */
export const parseMessage = (frame) => {
  const decoder = decoding.createDecoder(frame)
  const type = decoding.readVarUint(decoder)
  if (type !== MESSAGE_SYNC) return { type, subtype: -1, payload: null }
  const subtype = decoding.readVarUint(decoder)
  const payload = decoding.readVarUint8Array(decoder)
  return { type, subtype, payload }
}
