package org.cercania.bench;

/**
 * What one timed piece of work cost: wall seconds, CPU seconds of the process (all its threads:
 * driver and local executors), peak heap of this JVM in bytes (sum of the heap pools' peaks; -1 when
 * unknown) and the process's peak resident set in bytes (Linux VmHWM; -1 when unknown).
 */
public record Reading(double seconds, double cpuSeconds, long peakHeapBytes, long peakRssBytes) {}
