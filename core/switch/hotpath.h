// SPDX-License-Identifier: GPL-3.0-or-later
// NETLOOM_HOT: marks a function of the switch's per-frame path (hot-path code placement).
//
// Design note. A lone frame (a ping, a DHCP exchange, a keystroke over ssh) finds the switch
// cold: the thread slept while other processes ran, and every code page the path touches
// needs its translation again (on a VM with page-table isolation and no PCID, every system
// call flushes the TLB) and its cache lines fetched again. Spread over the binary in link
// order, the path (epoll wake-up, read, forwarding decision, MAC table, write) touched 12 code
// pages of netloomctl. Functions marked NETLOOM_HOT are emitted into .text.hot.* sections
// (clang and gcc), which GNU ld, the project's linker, places together at the start of .text
// (lld only with -z keep-text-section-prefix): the path's own code then spans four pages.
// Measured with bench/rtt-phases.py in six paired runs: the cold forwarding decision took
// 0.2-0.9 us less in every one. It changes placement only, never behaviour. Mark only
// functions that run for every frame or wake-up.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define NETLOOM_HOT __attribute__((hot))
#else
#define NETLOOM_HOT
#endif
