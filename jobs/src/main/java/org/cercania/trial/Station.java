package org.cercania.trial;

/**
 * One unit of randomisation (a police station) as read from the units file: its id, stratum, the
 * data row it came from (1 = first row after the header) and its baseline covariates in the order of
 * the file's covariate columns.
 */
public record Station(String id, String stratum, int row, double[] covariates) {}
