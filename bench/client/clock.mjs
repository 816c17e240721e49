// One clock for every client process: the system-wide monotonic clock, so a send time
// written by the writer process can be compared with a receive time in a reader process.

export const nowUs = () => Number(process.hrtime.bigint() / 1000n)

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A small deterministic PRNG (mulberry32), so every server gets the same workload. */
export const rng = (seed) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
