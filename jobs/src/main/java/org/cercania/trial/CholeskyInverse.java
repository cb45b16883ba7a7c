package org.cercania.trial;

/** The inverse of a small symmetric positive-definite matrix (k x k, k of a few dozen) by Cholesky. */
final class CholeskyInverse {
  private CholeskyInverse() {}

  /**
   * Returns a^-1; a is left untouched. Throws {@link SingularException} naming the first column whose
   * pivot vanishes (relative to its diagonal), i.e. a column that is a combination of earlier ones.
   */
  static double[][] of(double[][] a) {
    int k = a.length;
    double[][] l = new double[k][k];
    for (int j = 0; j < k; j++) {
      double d = a[j][j];
      for (int p = 0; p < j; p++) {
        d -= l[j][p] * l[j][p];
      }
      if (!(d > 1e-10 * Math.max(1.0, Math.abs(a[j][j])))) {
        throw new SingularException(j);
      }
      l[j][j] = Math.sqrt(d);
      for (int i = j + 1; i < k; i++) {
        double s = a[i][j];
        for (int p = 0; p < j; p++) {
          s -= l[i][p] * l[j][p];
        }
        l[i][j] = s / l[j][j];
      }
    }
    // inverse of L (lower triangular), then a^-1 = L^-T L^-1
    double[][] li = new double[k][k];
    for (int j = 0; j < k; j++) {
      li[j][j] = 1 / l[j][j];
      for (int i = j + 1; i < k; i++) {
        double s = 0;
        for (int p = j; p < i; p++) {
          s -= l[i][p] * li[p][j];
        }
        li[i][j] = s / l[i][i];
      }
    }
    double[][] inv = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int p = i; p < k; p++) {
          s += li[p][i] * li[p][j];
        }
        inv[i][j] = s;
        inv[j][i] = s;
      }
    }
    return inv;
  }

  static double[] times(double[][] m, double[] v) {
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      double s = 0;
      for (int j = 0; j < v.length; j++) {
        s += m[i][j] * v[j];
      }
      out[i] = s;
    }
    return out;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** A column of the design is a linear combination of the others. */
  static final class SingularException extends RuntimeException {
    final int column;

    SingularException(int column) {
      super("column " + column + " is collinear with the ones before it");
      this.column = column;
    }
  }
}
