package com.healthcare.kafka.connect.transforms.mask;

/**
 * One rule {@code path:method[:argument]}, e.g. {@code PID-19:redact}, {@code Patient.name:replace:[REDACTED]},
 * {@code after.ssn:hash}, {@code patient_name:keep-last:2}.
 */
public record MaskRule(RulePath path, MaskMethod method, String argument) {

    /** Keep-last's count. */
    public int count() {
        return Integer.parseInt(argument);
    }

    /** The rule with another path (used for a Debezium envelope's before/after twin). */
    public MaskRule at(RulePath other) {
        return new MaskRule(other, method, argument);
    }

    public String describeMethod() {
        return argument == null ? method.token() : method.token() + ":" + argument;
    }

    @Override
    public String toString() {
        return path.canonical() + ":" + describeMethod();
    }

    /** A rule that is not attached to a path (profile dictionaries and key handling). */
    public static MaskRule of(MaskMethod method) {
        return new MaskRule(new RulePath.Field(java.util.List.of("*")), method, null);
    }

    /**
     * Parses {@code path:method[:argument]}. The argument of {@code replace} may itself hold colons.
     *
     * @throws IllegalArgumentException with a message naming the rule (rules are config, never PHI)
     */
    public static MaskRule parse(String text) {
        String rule = text.trim();
        int first = rule.indexOf(':');
        if (first <= 0) {
            throw new IllegalArgumentException("'" + rule + "' is not path:method[:argument]; methods: "
                    + MaskMethod.tokens());
        }
        String rest = rule.substring(first + 1);
        int second = rest.indexOf(':');
        String token = second < 0 ? rest : rest.substring(0, second);
        String argument = second < 0 ? null : rest.substring(second + 1);
        MaskMethod method = MaskMethod.forToken(token);
        if (method == null) {
            throw new IllegalArgumentException("'" + rule + "': unknown method '" + token.trim() + "'; methods: "
                    + MaskMethod.tokens());
        }
        RulePath path;
        try {
            path = RulePath.parse(rule.substring(0, first));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + rule + "': " + e.getMessage());
        }
        switch (method.argument()) {
            case NONE -> {
                if (argument != null) {
                    throw new IllegalArgumentException("'" + rule + "': " + method.token() + " takes no argument");
                }
            }
            case REQUIRED_COUNT -> {
                int n;
                try {
                    n = argument == null ? -1 : Integer.parseInt(argument.trim());
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 1) {
                    throw new IllegalArgumentException("'" + rule + "': " + method.token()
                            + " needs a count of characters of at least 1, e.g. " + method.token() + ":4");
                }
                argument = Integer.toString(n);
            }
            case OPTIONAL_TEXT -> {
                // replace without text uses the transform's 'replacement'
            }
        }
        return new MaskRule(path, method, argument);
    }
}
