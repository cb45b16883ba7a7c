package org.cercania.did.cs;

import java.io.Serializable;

/**
 * Options of the Callaway-Sant'Anna estimator that {@link DidSpec} does not carry, with R did's
 * defaults: {@code alp = 0.05}, {@code cband = TRUE} (used only when bootstrapping),
 * {@code balance_e = NULL}. The multiplier follows R did: Rademacher weights (+1 or -1 with
 * probability 1/2, as BMisc::multiplier_bootstrap draws them); Mammen's two-point weights are
 * available as {@link Multiplier#MAMMEN}. {@code cr2} (off, as R did): the CR2 small-sample
 * adjustment of the analytic variance.
 */
public record CsOptions(double alpha, boolean cband, Integer balanceE, Multiplier multiplier, boolean cr2) implements Serializable {

  /** Distribution of the bootstrap multipliers: both have mean 0 and variance 1 (Mammen's also third moment 1). */
  public enum Multiplier { RADEMACHER, MAMMEN }

  public static CsOptions defaults() {
    return new CsOptions(0.05, true, null, Multiplier.RADEMACHER, false);
  }

  public CsOptions withBalanceE(Integer e) {
    return new CsOptions(alpha, cband, e, multiplier, cr2);
  }

  public CsOptions withCband(boolean c) {
    return new CsOptions(alpha, c, balanceE, multiplier, cr2);
  }

  public CsOptions withMultiplier(Multiplier m) {
    return new CsOptions(alpha, cband, balanceE, m, cr2);
  }

  /**
   * The analytic variance with Bell and McCaffrey's CR2 adjustment of each cohort's treated mean
   * (not in R did; panel data without covariates): see {@link InfluencePass}.
   */
  public CsOptions withCr2(boolean c) {
    return new CsOptions(alpha, cband, balanceE, multiplier, c);
  }
}
