// Reading CPU time and memory of the stack's processes from /proc (Linux).
import { readFileSync, readdirSync } from 'node:fs'

const TICKS_PER_SECOND = 100

interface ProcInfo {
  pid: number
  pgrp: number
  comm: string
  cpuMs: number
}

function readStat(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // comm is in parentheses and may contain spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, close)
    const fields = stat.slice(close + 2).split(' ')
    const pgrp = Number(fields[2])
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    return { pid, pgrp, comm, cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND }
  } catch {
    return null
  }
}

export function groupProcesses(pgrp: number): ProcInfo[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readStat(Number(d)))
    .filter((p): p is ProcInfo => p !== null && p.pgrp === pgrp)
}

/** CPU milliseconds used so far by the workerd processes (and, separately, everything) in a group. */
export function groupCpuMs(pgrp: number): { workerd: number; total: number } {
  const procs = groupProcesses(pgrp)
  return {
    workerd: procs.filter((p) => p.comm.startsWith('workerd')).reduce((s, p) => s + p.cpuMs, 0),
    total: procs.reduce((s, p) => s + p.cpuMs, 0),
  }
}

/** Peak resident memory (VmHWM) summed over a process group, in MiB. */
export function groupPeakRssMiB(pgrp: number): number {
  let kib = 0
  for (const p of groupProcesses(pgrp)) {
    try {
      const m = readFileSync(`/proc/${p.pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m)
      kib += Number(m?.[1] ?? 0)
    } catch {
      // Exited meanwhile.
    }
  }
  return kib / 1024
}
