package com.healthcare.kafka.connect.transforms.mask;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the parts of an address that a profile keeps may hold: a state code (USPS states, DC, territories and
 * military codes; Canadian provinces), a country code (ISO 3166 alpha-2 or alpha-3) and an HL7 address type (table
 * 0190). A kept part holding anything else shows the address's components are out of place (a city in the state
 * component): then the address is masked whole but for a valid state code.
 */
final class AddressCodes {

    static final Set<String> STATES = Set.of("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI",
            "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
            "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
            "VA", "WA", "WV", "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "UM", "FM", "MH", "PW", "AA", "AE",
            "AP", "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT");

    static final Set<String> ADDRESS_TYPES = Set.of("B", "BA", "BDL", "BI", "BR", "C", "F", "H", "HV", "L", "M",
            "N", "O", "P", "RH", "S", "SH", "TM", "V");

    static final Set<String> COUNTRIES;

    static {
        Set<String> countries = new HashSet<>(Set.of(Locale.getISOCountries()));
        countries.addAll(Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA3));
        COUNTRIES = Set.copyOf(countries);
    }

    private AddressCodes() {
    }

    static boolean state(String value) {
        return STATES.contains(value.trim().toUpperCase(Locale.ROOT));
    }

    static boolean country(String value) {
        return COUNTRIES.contains(value.trim().toUpperCase(Locale.ROOT));
    }

    static boolean type(String value) {
        return ADDRESS_TYPES.contains(value.trim().toUpperCase(Locale.ROOT));
    }
}
