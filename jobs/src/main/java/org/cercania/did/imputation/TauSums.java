package org.cercania.did.imputation;

import static org.cercania.did.imputation.Layout.add;

import java.io.Serializable;

/** What pass 2 accumulates: tau sums per target, per cohort x period cell and per cohort x group x period cell. */
final class TauSums implements Serializable {
  final double[] num;
  final Cells cells;
  final Cells groupCells;

  /** Sums of w^2 tau and w^2 of the imputed observations per cell of one partition. */
  static final class Cells implements Serializable {
    final double[] w2tau;
    final double[] w2;

    Cells(int size) {
      w2tau = new double[size];
      w2 = new double[size];
    }

    void add(int c, double w, double tau) {
      w2tau[c] += w * w * tau;
      w2[c] += w * w;
    }

    void merge(Cells o) {
      Layout.add(w2tau, o.w2tau);
      Layout.add(w2, o.w2);
    }

    /** The w^2-weighted mean of tau per cell (0 for an empty cell). */
    double[] means() {
      double[] m = new double[w2.length];
      for (int c = 0; c < m.length; c++) {
        m[c] = w2[c] > 0 ? w2tau[c] / w2[c] : 0;
      }
      return m;
    }
  }

  TauSums(int k, int cells, int groupCells) {
    num = new double[k];
    this.cells = new Cells(cells);
    this.groupCells = new Cells(groupCells);
  }

  TauSums merge(TauSums o) {
    add(num, o.num);
    cells.merge(o.cells);
    groupCells.merge(o.groupCells);
    return this;
  }
}
