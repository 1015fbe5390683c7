package rrcm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Writing JSON that any reader accepts, and the strict parser used for safetensors headers. */
class JsonTest {
    @Test
    void escapesWhatJsonRequires() {
        assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\"", Json.quote("a\"b\\c\n\r\t\b\f\u0001\u001f"));
        assertEquals("\"é✓ 😀 /\"", Json.quote("é✓ 😀 /"));
        assertEquals("\"\\u2028\\u2029\"", Json.quote("\u2028\u2029"));
        assertEquals("\"\\ud800x\\udc00\"", Json.quote("\ud800x\udc00"), "unpaired surrogates are escaped");
    }

    @Test
    void stringsRoundTripThroughTheParser() {
        String s = "quote\" back\\slash \n\t\u0000 é 😀 \u2028 /";
        assertEquals(s, JsonParser.parse(Json.quote(s)));
        assertEquals("\u00e9/\ud83d\ude00", JsonParser.parse("\"\\u00E9\\/\\ud83d\\ude00\""));
    }

    @Test
    void numbersRoundTrip() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            double d = Double.longBitsToDouble(r.nextLong());
            if (!Double.isFinite(d)) continue;
            assertEquals(d, (double) (Double) JsonParser.parse(Json.write(d)));
            float f = Float.intBitsToFloat(r.nextInt());
            if (!Float.isFinite(f)) continue;
            assertEquals(f, (float) (double) (Double) JsonParser.parse(Json.write(f)));
        }
        assertEquals("[1,-9223372036854775808,1.0E-4,0.1,-0.0]", Json.write(List.of(1, Long.MIN_VALUE, 1e-4, 0.1f, -0.0)));
        assertEquals(Long.MIN_VALUE, JsonParser.parse("-9223372036854775808"));
        assertEquals(new BigInteger("9223372036854775808"), JsonParser.parse("9223372036854775808"));
    }

    @Test
    void nonFiniteNumbersBecomeStrings() {
        assertEquals("[\"NaN\",\"Infinity\",\"-Infinity\",\"NaN\"]",
                Json.write(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN}));
    }

    @Test
    void objectsKeepTheirOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", 10);
        m.put("loss", 0.5);
        m.put("tags", List.of("a", true));
        m.put("none", null);
        m.put("nested", Map.of("k", new int[] {1, 2}));
        String compact = "{\"step\":10,\"loss\":0.5,\"tags\":[\"a\",true],\"none\":null,\"nested\":{\"k\":[1,2]}}";
        assertEquals(compact, Json.write(m));
        assertEquals("""
                {
                  "step": 10,
                  "loss": 0.5,
                  "tags": ["a", true],
                  "none": null,
                  "nested": {
                    "k": [1, 2]
                  }
                }
                """, Json.writePretty(m));
        assertEquals(compact, Json.write(JsonParser.parse(compact)));
        assertEquals("{}", Json.write(Map.of()));
    }

    @Test
    void writingSomethingElseIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
    }

    @Test
    void parserIsStrict() {
        assertParseError("{\"a\":1,}", "expected a string key, got '}' at character 7");
        assertParseError("[1,]", "unexpected ']', expected a value at character 3");
        assertParseError("01", "unexpected '1' after the JSON value at character 1");
        assertParseError("1.", "expected a digit after the decimal point, got end of text at character 2");
        assertParseError("NaN", "unexpected 'N', expected a value at character 0");
        assertParseError("\"a\nb\"", "control character U+000A inside a string (it must be escaped) at character 2");
        assertParseError("\"\\x\"", "invalid escape \\x inside a string at character 1");
        assertParseError("{\"a\":1,\"a\":2}", "key \"a\" appears twice in one object at character 7");
        assertParseError("[".repeat(200), "values nested deeper than 128 levels at character 128");
        assertParseError("", "unexpected end of text, expected a value at character 0");
        assertEquals(Map.of("a", List.of()), JsonParser.parse(" \t\r\n{\"a\" : [ ] }\n"));
    }

    private static void assertParseError(String text, String message) {
        assertEquals(message, assertThrows(JsonException.class, () -> JsonParser.parse(text)).getMessage());
    }
}
