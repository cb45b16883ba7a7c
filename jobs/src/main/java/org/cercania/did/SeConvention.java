package org.cercania.did;

import java.util.Locale;

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

  /** The convention labelled {@code s}, or a spec error naming the field {@code seConventions}. */
  public static SeConvention parse(String s) {
    return DidSpec.parse(values(), SeConvention::label, "seConventions", s);
  }
}
