package org.cercania.did.imputation;

import static org.cercania.did.imputation.Layout.add;

import java.io.Serializable;

/** What pass 2 accumulates: tau sums per target and per cohort x period cell. */
final class TauSums implements Serializable {
  final double[] num;
  final double[] w2tau;
  final double[] w2;
  /** Imputed observations per cell. */
  final long[] n;

  TauSums(int k, int cells) {
    num = new double[k];
    w2tau = new double[cells];
    w2 = new double[cells];
    n = new long[cells];
  }

  TauSums merge(TauSums o) {
    add(num, o.num);
    add(w2tau, o.w2tau);
    add(w2, o.w2);
    for (int i = 0; i < n.length; i++) {
      n[i] += o.n[i];
    }
    return this;
  }
}
