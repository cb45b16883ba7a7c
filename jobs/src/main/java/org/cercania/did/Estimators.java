package org.cercania.did;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cercania.did.bacon.GoodmanBacon;
import org.cercania.did.cs.CallawaySantAnna;
import org.cercania.did.fe.EventStudy;
import org.cercania.did.fe.SunAbraham;
import org.cercania.did.fe.Twfe;
import org.cercania.did.imputation.BorusyakJaravelSpiess;
import org.cercania.errors.Errors;

/** The estimators reachable by name (the spec field {@code estimator} of commands and study configs). */
public final class Estimators {
  private Estimators() {}

  private static Map<String, Estimator> all() {
    Map<String, Estimator> m = new LinkedHashMap<>();
    for (Estimator e : List.<Estimator>of(new Twfe(), new EventStudy(), new CallawaySantAnna(), new SunAbraham(),
        new BorusyakJaravelSpiess(), new GoodmanBacon())) {
      m.put(e.name(), e);
    }
    return m;
  }

  public static List<String> names() {
    return List.copyOf(all().keySet());
  }

  public static Estimator byName(String name) {
    Estimator e = all().get(name);
    if (e == null) {
      throw Errors.badSpec("estimator", name, "one of " + String.join(", ", names()));
    }
    return e;
  }
}
