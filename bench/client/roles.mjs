// Every role a load-client process can play, by name (the job's "role").

import { fanoutReaders, fanoutWriter } from './fanout.mjs'
import { throughputReaders, throughputWriters } from './throughput.mjs'
import { open, seed } from './documents.mjs'
import { idleConnections, race } from './connections.mjs'
import { httpLoad } from './http.mjs'
import { storm } from './storm.mjs'

export const roles = {
  'fanout-writer': fanoutWriter,
  'fanout-readers': fanoutReaders,
  'throughput-writers': throughputWriters,
  'throughput-readers': throughputReaders,
  open,
  seed,
  idle: idleConnections,
  race,
  http: httpLoad,
  storm
}
