// SPDX-License-Identifier: GPL-3.0-or-later
// stallprobe: how long this machine takes a CPU away from a thread that never sleeps, for the
// vhost-user section of bench/run-bench.sh ("loss at 1 Mpps").
//
//   stallprobe SECONDS
//
// Run pinned to one CPU (taskset), alone, it reads CLOCK_MONOTONIC in a tight loop for
// SECONDS (0.1..60) and counts the gaps between two consecutive readings: a gap is time the
// thread did not run — another task on that CPU, an interrupt, or the hypervisor running
// something else on the vCPU's core (steal time, which this VM's /proc/stat does not report).
// A poller (a vhost-user backend) loses its CPU for as long; with 1 Mpps offered into a
// 1024-entry ring, any gap above ~1 ms overflows the ring whatever the backend does.
// Prints one JSON line: seconds, gaps_over_100us, gaps_over_500us, gaps_over_1ms,
// gaps_over_4ms, max_gap_us, lost_ms (the sum of gaps over 100 us), involuntary (context
// switches away from this thread: the in-guest share).
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sys/resource.h>

namespace {
double now()
{
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}
}  // namespace

int main(int argc, char **argv)
{
    const double seconds = argc == 2 ? std::atof(argv[1]) : 0;
    if (!(seconds >= 0.1 && seconds <= 60)) {
        std::fprintf(stderr, "usage: stallprobe SECONDS (0.1..60)\n");
        return 2;
    }
    const double t0 = now();
    double last = t0, maxGap = 0, lost = 0;
    long over100us = 0, over500us = 0, over1ms = 0, over4ms = 0;
    for (;;) {
        const double t = now();
        const double gap = t - last;
        last = t;
        if (gap > 100e-6) {
            ++over100us;
            lost += gap;
            over500us += gap > 500e-6;
            over1ms += gap > 1e-3;
            over4ms += gap > 4e-3;
            if (gap > maxGap)
                maxGap = gap;
        }
        if (t - t0 >= seconds)
            break;
    }
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    std::printf("{\"seconds\":%.3f,\"gaps_over_100us\":%ld,\"gaps_over_500us\":%ld,\"gaps_over_1ms\":%ld,"
                "\"gaps_over_4ms\":%ld,\"max_gap_us\":%.0f,\"lost_ms\":%.2f,\"involuntary\":%ld}\n",
                last - t0, over100us, over500us, over1ms, over4ms, maxGap * 1e6, lost * 1e3, ru.ru_nivcsw);
    return 0;
}
