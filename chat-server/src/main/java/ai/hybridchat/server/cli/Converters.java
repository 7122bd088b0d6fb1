package ai.hybridchat.server.cli;

import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.retrieval.SearchMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parsers for option values, with messages that say what was expected. */
final class Converters {
    private Converters() {
    }

    static final class SearchModeConverter implements ITypeConverter<SearchMode> {
        @Override
        public SearchMode convert(String value) {
            try {
                return SearchMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Weights implements ITypeConverter<WeightFormat> {
        @Override
        public WeightFormat convert(String value) {
            try {
                return WeightFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** One token id of {@code --token-ids 1,2,3} (the option splits on commas). */
    static final class TokenIdConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long id;
            try {
                id = Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a token id: expected a list such as 1,2,3");
            }
            if (id < 0) {
                throw new TypeConversionException("token ids are not negative, got " + id);
            }
            return id;
        }
    }
}
