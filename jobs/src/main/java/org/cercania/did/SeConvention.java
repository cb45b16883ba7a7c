package org.cercania.did;

import java.util.Locale;
import org.cercania.errors.Errors;

/** Small-sample conventions of clustered standard errors, named as in the output tables (fixest's ssc()). */
public enum SeConvention {
  /** ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE): G/(G-1) (N-1)/(N-K), fixed effects nested in the cluster counted once. */
  FIXEST_DEFAULT,
  /** ssc(adj = FALSE, cluster.adj = TRUE): G/(G-1). */
  CLUSTER_G_ONLY,
  /** ssc(adj = FALSE, cluster.adj = FALSE): the raw sandwich. */
  CLUSTER_RAW,
  /** ssc(adj = TRUE, fixef.K = "full"): every fixed-effect level counted in K, as dummy-variable OLS does. */
  CLUSTER_FULL_K;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SeConvention parse(String s) {
    for (SeConvention c : values()) {
      if (c.label().equals(s)) {
        return c;
      }
    }
    throw Errors.badOptionValue("--se-convention", s, "one of fixest_default, cluster_g_only, cluster_raw, cluster_full_k, all");
  }
}
