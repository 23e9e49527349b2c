"""What a question asks to be made, and what a sentence makes (`abstractqa.media`)."""

import pytest

from abstractqa.media import any_of, made_media, makes


@pytest.mark.parametrize(
    ("question", "media"),
    [
        ("which papers generate audio?", ["audio"]),
        ("which video generation models also produce audio?", ["video", "audio"]),
        ("video gen models that also make audio?", ["video", "audio"]),
        ("any papers here that generate video together w/ sound?", ["video", "audio"]),
        ("generative models that output video together with an audio track - which ones?", ["video", "audio"]),
        ("which papers here generate video (txt2video etc)", ["video"]),
        ("which papers produce images from text?", ["image"]),
        # not asked to be made: used, evaluated, or a verb
        ("which papers use Ego4D video?", []),
        ("which papers include a human study of generated images?", []),
        ("is there work on making a voice recording sound as if it was captured elsewhere?", []),
        # editing is asked, not making: the video generators are not the answer
        ("which papers can edit videos?", []),
    ],
)
def test_a_question_asks_for_the_media_its_verb_of_making_takes(question, media):
    assert made_media(question) == media


@pytest.mark.parametrize(
    ("sentence", "medium", "made"),
    [
        ("We present VideoPoet, a language model capable of synthesizing high-quality video, with matching audio, from a large variety of conditioning signals.", "audio", True),
        ("Our models set a new state-of-the-art on multiple tasks: text-to-video synthesis, video editing, video-to-audio generation.", "audio", True),
        ("In human evaluations, our generated videos are strongly preferred in quality.", "video", True),
        ("A cast of models that generates high-quality, 1080p HD videos with different aspect ratios and synchronized audio.", "audio", True),
        ("In this paper, we manipulate input speech to sound as though it was recorded within a different scene.", "audio", True),
        ("We also show generation of personalized videos based on a user's image.", "video", True),
        # a medium that only describes what is made, or that is used
        ("We repurpose pre-trained LLMs and finetune them to create automatic video narrators.", "video", False),
        ("Our auto-generated narrations offer dense coverage of long videos.", "video", False),
        ("We extract an audio clip from a video and apply speech enhancement.", "audio", False),
        ("Audio event classification with AudioSet serves as a strong intermediate task.", "audio", False),
        ("A 30B parameter transformer trained on video tokens.", "video", False),
    ],
)
def test_a_sentence_makes_a_medium_where_it_is_the_head_of_what_a_verb_of_making_takes(sentence, medium, made):
    assert makes(sentence, medium) is made


def test_media_offered_as_alternatives_need_one_of_them():
    assert any_of("which papers generate images or videos?")
    # one medium in two words, and media asked together, need every one
    assert not any_of("which models produce sound/audio together with the video?")
    assert not any_of("which papers generate video together with audio?")
