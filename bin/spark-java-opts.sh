# Sourced by bin/cercania: the JVM options Spark needs on Java 17 (Spark adds the
# same list to its executors). Defines the array SPARK_JAVA17_OPENS.
SPARK_JAVA17_OPENS=(-XX:+IgnoreUnrecognizedVMOptions)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  SPARK_JAVA17_OPENS+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
SPARK_JAVA17_OPENS+=(--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false)
