package rrcm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documents the code cites are in the repository: every "docs/X.md" named in a source, script,
 * benchmark or document exists, every numbered section of docs/method.md cited ("docs/method.md 2.3",
 * "docs/method.md section 6") is a heading there, and no citation leaves out the docs/ directory.
 */
class DocsTest {
    private static final List<String> ROOTS = List.of("src", "benchmarks", "kernels", "tools", "docs", "README.md", "pom.xml");
    private static final Pattern CITED = Pattern.compile("docs/([\\w-]+\\.md)(?:,? (?:section )?(\\d+(?:\\.\\d+)?)\\b)?");
    private static final Pattern BARE = Pattern.compile("(?<![/\\w])method\\.md");

    private static List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String r : ROOTS) {
            Path root = Path.of(r);
            if (!Files.exists(root)) continue;
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> p.toString().matches(".*\\.(java|md|cu|cuh|h|cpp|sh|xml|yaml)$") || p.getParent() != null
                                && p.getParent().endsWith("tools"))
                        .forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void everyCitedDocumentAndSectionExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int citations = 0;
        for (Path f : files()) {
            if (f.endsWith("DocsTest.java")) continue; // it spells out the patterns it looks for
            String text = Files.readString(f);
            Matcher m = CITED.matcher(text);
            while (m.find()) {
                citations++;
                Path doc = Path.of("docs", m.group(1));
                if (!Files.isRegularFile(doc)) {
                    missing.add(f + ": cites " + doc + ", which does not exist");
                } else if (m.group(2) != null && !hasSection(doc, m.group(2))) {
                    missing.add(f + ": cites section " + m.group(2) + " of " + doc + ", which has no such heading");
                }
            }
            // within docs/ the documents link to each other by their own names
            if (!f.startsWith("docs") && BARE.matcher(text).find()) {
                missing.add(f + ": cites the method file without its directory (write docs/method.md)");
            }
        }
        assertTrue(citations >= 20, "the code cites docs/method.md and docs/design.md; found only " + citations + " citations");
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }

    private static final Pattern STOP = Pattern.compile("(?:`([\\w/.-]+\\.(?:java|cu))`:?\\s+)?lines\\s+(\\d+)[–-](\\d+)\\s+\\(`(\\w+)`\\)");

    /**
     * docs/tour.md's stops ("`path` lines A–B (`name`)" or "`path`: lines ...", or "lines A–B (`name`)" in the
     * file named last)
     * point at the method they name: it is declared on line A and its body ends by line B.
     */
    @Test
    void theTourStopsWhereTheCodeIs() throws IOException {
        String tour = Files.readString(Path.of("docs", "tour.md")).replaceAll("\\s+", " ");
        Matcher m = STOP.matcher(tour);
        List<String> wrong = new ArrayList<>();
        String file = null;
        int stops = 0;
        while (m.find()) {
            if (m.group(1) != null) file = m.group(1);
            if (file == null) {
                wrong.add("a stop with no file before it: " + m.group());
                continue;
            }
            stops++;
            int from = Integer.parseInt(m.group(2)), to = Integer.parseInt(m.group(3));
            String name = m.group(4);
            List<String> lines = Files.readAllLines(Path.of(file));
            if (from < 1 || to < from || to > lines.size()) {
                wrong.add(file + " lines " + from + "-" + to + ": outside the file's " + lines.size() + " lines");
            } else if (!Pattern.compile("\\b" + name + "\\s*\\(").matcher(lines.get(from - 1)).find()) {
                wrong.add(file + " line " + from + " does not declare " + name + ": " + lines.get(from - 1).trim());
            } else if (!lines.get(to - 1).contains("}")) {
                wrong.add(file + " line " + to + " does not close " + name + ": " + lines.get(to - 1).trim());
            }
        }
        assertTrue(stops >= 30, "the tour has only " + stops + " stops");
        assertTrue(wrong.isEmpty(), "docs/tour.md is out of date (tools/tour-lines renumbers it):\n" + String.join("\n", wrong));
    }

    // "## 2." or "### 2.3 ..." at the start of a line
    private static boolean hasSection(Path doc, String number) throws IOException {
        Pattern heading = Pattern.compile("(?m)^#{2,4} " + Pattern.quote(number) + "(\\.|\\s)");
        return heading.matcher(Files.readString(doc)).find();
    }
}
