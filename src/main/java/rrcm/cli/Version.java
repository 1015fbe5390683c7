package rrcm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version written into the jar at build time, with the Java runtime it runs on. */
final class Version implements CommandLine.IVersionProvider {
    static String engine() {
        try (InputStream in = Version.class.getResourceAsStream("/rrcm/version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"rrcm-engine " + engine(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }
}
