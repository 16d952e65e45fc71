package kindling;

import java.io.File;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * Starts 1 RM + 1 NM on loopback with ephemeral ports and writes the live configuration
 * (yarn-site.xml) into the directory given as args[0], then sleeps until killed.
 * The Node test points HADOOP_CONF_DIR at that directory, so config discovery is exercised too.
 */
public final class MiniYarn {
  public static void main(String[] args) throws Exception {
    File out = new File(args[0]);
    out.mkdirs();
    try {
      YarnConfiguration conf = new YarnConfiguration();
      conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
      conf.set("yarn.nodemanager.hostname", "127.0.0.1");
      conf.set("yarn.scheduler.capacity.root.queues", "default");
      conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
      conf.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
      conf.set("yarn.scheduler.capacity.root.default.user-limit-factor", "1");
      conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
      conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
      conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0");
      conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
      conf.set("yarn.scheduler.minimum-allocation-mb", "128");
      conf.set("yarn.scheduler.maximum-allocation-mb", "2048");
      conf.set("yarn.nodemanager.delete.debug-delay-sec", "600");
      MiniYARNCluster cluster = new MiniYARNCluster("kindling", 1, 1, 1);
      cluster.init(conf);
      cluster.start();
      Configuration live = cluster.getConfig();
      long deadline = System.currentTimeMillis() + 60_000;
      while (live.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0")
          || live.get(YarnConfiguration.RM_WEBAPP_ADDRESS, "").endsWith(":0")) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("RM ports never bound");
        Thread.sleep(100);
      }
      File tmp = new File(out, "yarn-site.xml.tmp");
      try (FileOutputStream os = new FileOutputStream(tmp)) {
        live.writeXml(os);
      }
      Files.move(tmp.toPath(), new File(out, "yarn-site.xml").toPath(), StandardCopyOption.ATOMIC_MOVE);
      Files.write(Path.of(out.getPath(), "ready"), "ready\n".getBytes(StandardCharsets.UTF_8));
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
      Thread.sleep(Long.MAX_VALUE);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1); // non-daemon threads would keep the JVM alive
    }
  }
}
